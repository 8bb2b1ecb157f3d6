"""Every setting of the hub, read from environment variables with defaults for a district server.

The same ``jupyterhub_config.py`` serves a district server, ``shine hub demo`` and the tests: only
the environment differs. On a server the variables come from one file (``EnvironmentFile=`` of
the systemd unit in ``deploy/hub/``).

=========================  ==========================================  ==============================
variable                   what                                        default
=========================  ==========================================  ==============================
SHINE_DB_URL               the shine store every participant shares    required
SHINE_HUB_DB_URL           the hub's own database (users, tokens)      SQLite in the state folder
SHINE_HUB_IP / _PORT       where people connect (the proxy)            all addresses, port 8000
SHINE_HUB_API_PORT         the hub itself, on 127.0.0.1                8081
SHINE_HUB_PROXY_API_PORT   the proxy's API, on 127.0.0.1               8001
SHINE_HUB_STATE_DIR        cookie secret, proxy pid, SQLite hub db     /srv/jupyterhub
SHINE_HUB_AUTH             pam, dummy (tests), shared-password (demo)  pam
SHINE_HUB_PASSWORD         the password for shared-password            none
SHINE_HUB_ROSTER           who may log in, and their groups (YAML)     none
SHINE_HUB_SPAWNER          local (one OS user each) or demo            local
SHINE_HUB_HOMES            the demo's home folders                     none
SHINE_HUB_CREATE_USERS     1: create a missing OS user at first start  0
SHINE_HUB_FORK             0: start each server and kernel from        1
                           nothing, not forked (shine.hub.zygote)
SHINE_HUB_PYTHON           the Python of participants' servers         the hub's own
SHINE_HUB_PROXY            the configurable-http-proxy command         configurable-http-proxy
SHINE_HUB_CULL_TIMEOUT     seconds idle before a server is stopped     3600
SHINE_HUB_CULL_EVERY       how often the culler looks, in seconds      300
SHINE_HUB_KERNEL_CULL      seconds idle before a page's kernel stops   600
SHINE_HUB_DEFAULT_URL      where a participant lands                   /lab
SHINE_HUB_CONFIG_DIR       more config files (*.py), read in order     /etc/jupyterhub/jupyterhub_config.d
SHINE_HUB_NBGRADER_DIR     courses, their exchange, participants'      /srv/nbgrader
                           nbgrader settings
SHINE_HUB_GRADEBOOK_URL    each course's gradebook ({course} is        SHINE_DB_URL's server, database
                           replaced by the course id, - as _)          gradebook_{course}
SHINE_HUB_ROOM_USER        the OS account room services run as         shine-rooms
SHINE_HUB_ROOM_KIOSKS      preheated kiosk pages per room service      10
SHINE_CURRICULUM           the curriculum participants see             the hub's installed copy
=========================  ==========================================  ==============================
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shine.i18n import _
from shine.web.paths import CURRICULUM_ENV, FOLDERS, INSTALLED, checkout_root

AUTHENTICATORS = ("pam", "dummy", "shared-password")
SPAWNERS = ("local", "demo")
MIN_PASSWORD = 8  # JupyterHub's SharedPasswordAuthenticator refuses shorter ones
STATE_DIR = Path("/srv/jupyterhub")
CONFIG_DIR = Path("/etc/jupyterhub/jupyterhub_config.d")
NBGRADER_DIR = Path("/srv/nbgrader")
ROOM_USER = "shine-rooms"


class HubSettingsError(ValueError):
    """Settings the hub cannot start with; ``problems`` says each one in a sentence."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class HubSettings:
    store_url: str
    curriculum: Path
    hub_db_url: str | None = None
    ip: str = ""
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    state_dir: Path = STATE_DIR
    auth: str = "pam"
    password: str = ""
    roster: Path | None = None
    spawner: str = "local"
    homes: Path | None = None
    create_users: bool = False
    fork: bool = True
    python: str = sys.executable
    proxy: str = "configurable-http-proxy"
    cull_timeout: int = 3600
    cull_every: int = 300
    kernel_cull: int = 600
    default_url: str = "/lab"
    config_dir: Path = CONFIG_DIR
    nbgrader_dir: Path = NBGRADER_DIR
    gradebook_url: str = ""
    room_user: str = ROOM_USER
    room_kiosks: int = 10

    @property
    def hub_db(self) -> str:
        """The hub's database: SHINE_HUB_DB_URL, else an SQLite file in the state folder."""
        return self.hub_db_url or f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}"

    @property
    def forks(self) -> bool:
        """Servers and kernels forked from the zygote: real OS users, the hub's own Python (by
        any of its names in the same folder: ``bin/python`` and ``bin/python3`` of one venv)."""
        return self.fork and self.spawner == "local" and same_python(self.python, sys.executable)

    @property
    def public_url(self) -> str:
        host = self.ip if self.ip not in ("", "0.0.0.0") else "127.0.0.1"
        return f"http://{host}:{self.port}/"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "HubSettings":
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def text(name: str, default: str = "") -> str:
            return env.get(name, "").strip() or default

        def number(name: str, default: int, low: int = 1, high: int = 10 ** 7) -> int:
            raw = text(name)
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                value = low - 1
            if not low <= value <= high:
                problems.append(_("{name}={value!r} is not a whole number from {low} to {high}.").format(
                    name=name, value=raw, low=low, high=high))
                return default
            return value

        def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
            value = text(name, default).lower()
            if value not in allowed:
                problems.append(_("{name}={value!r} is not one of: {allowed}.").format(
                    name=name, value=value, allowed=", ".join(allowed)))
                return default
            return value

        store_url = text("SHINE_DB_URL")
        if not store_url:
            problems.append(_("Set SHINE_DB_URL to the database every participant shares, e.g. "
                              "postgresql+psycopg://shine:PASSWORD@127.0.0.1/shine."))
        chosen = text(CURRICULUM_ENV)
        curriculum = Path(chosen).expanduser().resolve() if chosen else (checkout_root() or INSTALLED)
        if not all((curriculum / name).is_dir() for name in FOLDERS):
            problems.append(_("{setting}={folder} does not hold the folders {folders}.").format(
                setting=CURRICULUM_ENV, folder=curriculum, folders=", ".join(FOLDERS)))
        auth = choice("SHINE_HUB_AUTH", "pam", AUTHENTICATORS)
        password = env.get("SHINE_HUB_PASSWORD", "")
        roster = Path(text("SHINE_HUB_ROSTER")).expanduser() if text("SHINE_HUB_ROSTER") else None
        if auth in ("dummy", "shared-password") and roster is None:
            # Anyone could log in as any OS user, root included: only the roster's names may.
            problems.append(_("SHINE_HUB_AUTH={auth} needs SHINE_HUB_ROSTER: only the people it lists may "
                              "log in.").format(auth=auth))
        if auth == "shared-password" and len(password) < MIN_PASSWORD:
            problems.append(_("SHINE_HUB_PASSWORD must have at least {n} characters.").format(n=MIN_PASSWORD))
        if roster is not None and not roster.is_file():
            problems.append(_("SHINE_HUB_ROSTER={path} is not a file.").format(path=roster))
        spawner = choice("SHINE_HUB_SPAWNER", "local", SPAWNERS)
        homes = Path(text("SHINE_HUB_HOMES")).expanduser() if text("SHINE_HUB_HOMES") else None
        if spawner == "demo" and homes is None:
            problems.append(_("SHINE_HUB_SPAWNER=demo needs SHINE_HUB_HOMES, the folder for the home folders."))
        default_url = text("SHINE_HUB_DEFAULT_URL", "/lab")
        if not default_url.startswith("/"):
            problems.append(_("SHINE_HUB_DEFAULT_URL must start with /, e.g. /lab."))
        gradebook_url = text("SHINE_HUB_GRADEBOOK_URL")
        if gradebook_url and "{course}" not in gradebook_url:
            problems.append(_("SHINE_HUB_GRADEBOOK_URL must hold {course}: each course has its own gradebook."))
        settings = cls(
            store_url=store_url, curriculum=curriculum, hub_db_url=text("SHINE_HUB_DB_URL") or None,
            ip=text("SHINE_HUB_IP"), port=number("SHINE_HUB_PORT", 8000, high=65535),
            hub_port=number("SHINE_HUB_API_PORT", 8081, high=65535),
            proxy_api_port=number("SHINE_HUB_PROXY_API_PORT", 8001, high=65535),
            state_dir=Path(text("SHINE_HUB_STATE_DIR", str(STATE_DIR))).expanduser(),
            auth=auth, password=password, roster=roster, spawner=spawner, homes=homes,
            create_users=text("SHINE_HUB_CREATE_USERS") in ("1", "true", "yes"),
            fork=text("SHINE_HUB_FORK", "1") not in ("0", "false", "no"),
            python=text("SHINE_HUB_PYTHON", sys.executable), proxy=text("SHINE_HUB_PROXY", "configurable-http-proxy"),
            cull_timeout=number("SHINE_HUB_CULL_TIMEOUT", 3600), cull_every=number("SHINE_HUB_CULL_EVERY", 300),
            kernel_cull=number("SHINE_HUB_KERNEL_CULL", 600), default_url=default_url,
            config_dir=Path(text("SHINE_HUB_CONFIG_DIR", str(CONFIG_DIR))).expanduser(),
            nbgrader_dir=Path(text("SHINE_HUB_NBGRADER_DIR", str(NBGRADER_DIR))).expanduser(),
            gradebook_url=gradebook_url, room_user=text("SHINE_HUB_ROOM_USER", ROOM_USER),
            room_kiosks=number("SHINE_HUB_ROOM_KIOSKS", 10, low=0, high=200))
        if problems:
            raise HubSettingsError(problems)
        return settings

    def describe(self) -> list[tuple[str, str]]:
        """The settings as a person checks them (``shine hub config --show``); no password."""
        return [
            (_("people connect to"), self.public_url),
            (_("shine store"), _hide_password(self.store_url)),
            (_("hub database"), _hide_password(self.hub_db)),
            (_("state folder"), str(self.state_dir)),
            (_("login"), self.auth),
            (_("roster"), str(self.roster or "-")),
            (_("servers run as"), _("each person's OS user") if self.spawner == "local"
             else _("this user (demo: no separation between people)")),
            (_("participants' Python"), self.python),
            (_("servers and kernels"), _("forked from one warm process") if self.forks
             else _("each started from nothing")),
            (_("curriculum"), str(self.curriculum)),
            (_("idle servers stopped after"), _("{n} s").format(n=self.cull_timeout)),
            (_("more configuration from"), str(self.config_dir)),
            (_("courses and their exchange"), str(self.nbgrader_dir)),
        ]


def same_python(a: str, b: str) -> bool:
    """One interpreter in one environment: the same file, named from the same folder."""
    try:
        return Path(a).parent.resolve() == Path(b).parent.resolve() and os.path.samefile(a, b)
    except OSError:
        return False


def _hide_password(url: str) -> str:
    """``postgresql+psycopg://user:secret@host/db`` -> ``...user:***@host/db``."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    who, at, where = rest.rpartition("@")
    user = who.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in who else ''}@{where}"
