"""``trainer-console``: a trainer opens a room's console with their hub login, not the key.

The hub serves this small service at ``/services/trainer-console/`` when it serves rooms and the
roster has trainers. Only the ``trainers`` group may reach it (a role with its access scope, as
each course's formgrader has for its graders); JupyterHub's OAuth asks everyone else to log in and
refuses them (403). ``/services/trainer-console/<join code>`` looks the workshop up, issues a pass
(:mod:`shine.web.passes`: the workshop, the trainer, 60 s) and sends the browser to the room's
``console.ipynb?pass=...``, which opens without asking for the key. It runs as the rooms' OS
account (``SHINE_HUB_ROOM_USER``), the only one that can read the key passes are signed with.
"""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

from shine.i18n import _

from .settings import HubSettings

SERVICE = "trainer-console"
KEY_FILE = "console-pass.key"
CONSOLE_ENV = "SHINE_ROOM_CONSOLE"  # a room's console address, {code} for its join code (lower case)


def pass_key_path(settings: HubSettings) -> Path:
    """Where the key passes are signed with lives: the rooms' account's home (the state folder in
    the demo, where everything runs as one user)."""
    if settings.spawner == "local":
        return Path(pwd.getpwnam(settings.room_user).pw_dir) / KEY_FILE
    return settings.state_dir / KEY_FILE


def prepare_pass_key(settings: HubSettings) -> Path:
    """Make the key once, owned by the rooms' account and readable by it only."""
    from shine.web.passes import make_key

    path = pass_key_path(settings)
    owner = None
    if settings.spawner == "local":
        account = pwd.getpwnam(settings.room_user)
        owner = (account.pw_uid, account.pw_gid)
    return make_key(path, owner)


def trainer_service(settings: HubSettings, port: int, key: Path, console: str) -> dict:
    """The service; ``console`` is a room's console address with ``{code}`` for its join code."""
    from shine.web.passes import PASS_ENV

    service = {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{port}",
        "command": [settings.python, "-m", "shine.hub.trainers"],
        "environment": {"SHINE_DB_URL": settings.store_url, PASS_ENV: str(key), CONSOLE_ENV: console},
        "oauth_no_confirm": True,  # our own service: no "authorize access?" page
    }
    if settings.spawner == "local":
        service["user"] = settings.room_user
        service["cwd"] = "/"
    return service


def trainer_role() -> dict:
    return {"name": SERVICE, "groups": ["trainers"], "scopes": [f"access:services!service={SERVICE}"]}


def console_link(settings: HubSettings, code: str) -> str:
    return f"{settings.public_url.rstrip('/')}/services/{SERVICE}/{code.strip().upper()}"


def main(argv: list[str] | None = None) -> int:
    """What the hub runs: a tornado app behind the hub's OAuth, until stopped."""
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
    from jupyterhub.utils import url_path_join
    from tornado import ioloop, web

    from shine.store import Store
    from shine.web.passes import PASS_ENV, issue, read_key

    class OpenConsole(HubOAuthenticated, web.RequestHandler):
        @web.authenticated
        def get(self, code: str) -> None:
            user = self.get_current_user()
            key = read_key(os.environ.get(PASS_ENV, ""))
            with Store() as store:
                workshop = store.room.workshop_by_code(code)
            if workshop is None or key is None:
                self.set_status(404)
                self.finish(_("There is no workshop with the join code {code}.").format(code=code.upper()))
                return
            token = issue(key, workshop.id, user["name"])
            console = os.environ[CONSOLE_ENV].format(code=workshop.code.lower())
            self.redirect(f"{console}?pass={quote(token)}")

    service_prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE}/")
    app = web.Application([
        (url_path_join(service_prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (url_path_join(service_prefix, r"([A-Za-z0-9]{4,12})/?"), OpenConsole),
    ], cookie_secret=os.urandom(32))
    where = urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:0"))
    app.listen(where.port, where.hostname)
    print(_("Trainers open a room's console at {prefix}<join code>").format(prefix=service_prefix), flush=True)
    ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
