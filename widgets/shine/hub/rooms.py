"""Rooms without accounts: a workshop's kiosk, wall and console as a hub service.

Families at a regional meeting do not log in. Each workshop named in the roster (``rooms:``, its
join code) is served by the hub as ``/services/room-<code>/``: the proxy sends those addresses
to the room's own Voila (the same pages and kernels as ``shine workshop``), which asks nobody to
log in, so the kiosk is public. The console still opens only with the facilitator key. Every post
goes to the shared store (``SHINE_DB_URL``, PostgreSQL).

- ``shine hub room --name "..."`` creates a workshop; ``shine hub room <code>`` resumes one. Both
  issue a new facilitator key and print it with the room's addresses (:func:`open_room`). The
  service itself never changes the key, so a restart of the hub keeps the one handed out.
- The hub starts ``python -m shine.hub.rooms <code> --port N --prefix /services/room-<code>/``
  (:func:`main`) as the OS account ``SHINE_HUB_ROOM_USER`` (made at the hub's start when missing;
  never root, never a participant).
"""

from __future__ import annotations

import argparse
import os
import pwd
import subprocess
import sys
from pathlib import Path

from shine.i18n import _

from .courses import SERVICE_START_S
from .roster import Roster
from .settings import HubSettings

ROOM_PREFIX = "room-"


def service_name(code: str) -> str:
    return ROOM_PREFIX + code.strip().lower()


def prefix(code: str) -> str:
    return f"/services/{service_name(code)}/"


def page_urls(settings: HubSettings, code: str) -> dict[str, str]:
    base = settings.public_url.rstrip("/") + prefix(code)
    return {name: f"{base}voila/render/{name}.ipynb" for name in ("kiosk", "wall", "console")}


def ensure_room_account(settings: HubSettings) -> bool:
    """The OS account room services run as: a system account of its own, made when missing."""
    try:
        pwd.getpwnam(settings.room_user)
        return True
    except KeyError:
        pass
    if os.geteuid() != 0:
        return False
    made = subprocess.run(["useradd", "--system", "--create-home", "--home-dir", f"/var/lib/{settings.room_user}",
                           "--shell", "/usr/sbin/nologin", "--user-group", "--", settings.room_user],
                          capture_output=True, text=True, timeout=60)
    return made.returncode == 0


def room_service(settings: HubSettings, code: str, port: int) -> dict:
    service = {
        "name": service_name(code),
        "url": f"http://127.0.0.1:{port}",
        "command": [settings.python, "-m", "shine.hub.rooms", code, f"--port={port}", f"--prefix={prefix(code)}",
                    f"--kiosk-url={page_urls(settings, code)['kiosk']}", f"--kiosks={settings.room_kiosks}"],
        "environment": {"SHINE_DB_URL": settings.store_url, "SHINE_CURRICULUM": str(settings.curriculum)},
        "timeout": SERVICE_START_S,
    }
    if settings.spawner == "local":
        service["user"] = settings.room_user
        service["cwd"] = "/"
    return service


def add_rooms(c, settings: HubSettings, roster: Roster | None, free_port) -> list[str]:
    """A service for each room of the roster whose workshop is in the store; the codes served."""
    codes = roster.rooms if roster else []
    if not codes:
        return []
    if settings.spawner == "local" and not ensure_room_account(settings):
        print(_("[shine] no room is served: there is no OS user {name} and it could not be made.").format(
            name=settings.room_user), file=sys.stderr)
        return []
    from shine.store import Store

    served = []
    with Store(settings.store_url) as store:
        for code in codes:
            workshop = store.room.workshop_by_code(code)
            if workshop is None:
                print(_("[shine] room {code} is not served: there is no workshop with that join code. Create one "
                        "with: shine hub room --name NAME").format(code=code), file=sys.stderr)
                continue
            c.JupyterHub.services.append(room_service(settings, code, free_port()))
            served.append(code)
    if served and roster is not None and roster.groups().get("trainers"):
        add_trainer_console(c, settings, served, free_port)
    return served


def add_trainer_console(c, settings: HubSettings, served: list[str], free_port) -> None:
    """Trainers open the served rooms' consoles with their hub login (:mod:`shine.hub.trainers`)."""
    from shine.web.passes import PASS_ENV

    from .trainers import prepare_pass_key, trainer_role, trainer_service

    try:
        key = prepare_pass_key(settings)
    except OSError as exc:  # the rooms still open, with the facilitator key
        print(_("[shine] trainers open the consoles with the facilitator key only: {problem}").format(problem=exc),
              file=sys.stderr)
        return
    names = {service_name(code) for code in served}
    for service in c.JupyterHub.services:
        if service.get("name") in names:
            service["environment"][PASS_ENV] = str(key)
    console = prefix("{code}") + "voila/render/console.ipynb"
    c.JupyterHub.services.append(trainer_service(settings, free_port(), key, console))
    c.JupyterHub.load_roles.append(trainer_role())


def open_room(settings: HubSettings, code: str | None = None, name: str | None = None,
              languages: list[str] | None = None) -> tuple[object, str]:
    """Create (with ``name``) or resume (``code``) a workshop in the shared store and issue a new
    facilitator key; ``(workshop, key)``."""
    from shine.room.session import open_workshop
    from shine.store import Store, new_facilitator_key

    with Store(settings.store_url) as store:
        workshop, _resumed = open_workshop(store, name=name, new=code is None, code=code, languages=languages)
        key = new_facilitator_key()
        store.room.set_facilitator_key(workshop.id, key)
    return workshop, key


def main(argv: list[str] | None = None) -> int:
    """What the hub runs for a room: the workshop's pages under the service's prefix, until stopped."""
    from shine.room.languages import room_languages
    from shine.room.live import KIOSK_URL_ENV, WORKSHOP_ENV
    from shine.room.server import HIDE_LISTINGS_ENV, pool_settings, say, start, wait_for_stop
    from shine.room.session import DASHBOARDS
    from shine.store import Store
    from shine.web.paths import dashboards_dir

    parser = argparse.ArgumentParser(prog="python -m shine.hub.rooms")
    parser.add_argument("code")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--kiosk-url", required=True)
    parser.add_argument("--kiosks", type=int, default=10)
    args = parser.parse_args(argv)
    with Store() as store:
        workshop = store.room.workshop_by_code(args.code)
    if workshop is None:
        say(_("There is no workshop with the join code {code}.").format(code=args.code.upper()), error=True)
        return 2
    env = {WORKSHOP_ENV: str(workshop.id), "SHINE_LANG": room_languages(workshop.setup)[0], HIDE_LISTINGS_ENV: "1",
           KIOSK_URL_ENV: args.kiosk_url}
    pools = {d.notebook: args.kiosks for d in DASHBOARDS if d.preheat and args.kiosks}
    extra = [f"--base_url={args.prefix}", *(pool_settings(pools) if pools else [])]
    server = start(Path(dashboards_dir()), port=args.port, lan=False, env=env, extra=extra, startup_timeout=120)
    say(_("Room {code} is served at {url}").format(code=workshop.code, url=server.url))
    try:
        wait_for_stop(server)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
