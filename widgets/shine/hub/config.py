"""The JupyterHub configuration for one server, from :class:`~shine.hub.settings.HubSettings`.

``deploy/hub/jupyterhub_config.py`` (the text of :data:`CONFIG_FILE`, which ``shine hub config``
prints) calls :func:`configure` and then reads every ``*.py`` in ``SHINE_HUB_CONFIG_DIR``: that is
where a district adds its authenticator (OAuth, LTI, NativeAuthenticator: see the README), more
services and groups. Those files run after this one, so they can change anything set here, and
``c.JupyterHub.services.append(...)`` / ``c.JupyterHub.load_roles.append(...)`` there add to the
lists set here.

What it sets up:

- configurable-http-proxy (npm) in front, started by the hub; the hub and the proxy's API only on
  127.0.0.1;
- one server per person, run as their own OS user (``LocalProcessSpawner``), started through
  :mod:`shine.hub.singleuser`: JupyterLab, with Voila as a server extension showing no code and
  no tracebacks; ``SHINE_DB_URL`` and ``SHINE_CURRICULUM`` passed on to it and its kernels; the
  servers and their kernels forked from one warm process (:mod:`shine.hub.zygote`, unless
  ``SHINE_HUB_FORK=0``);
- the hub's database (``SHINE_HUB_DB_URL``) and the shine store (``SHINE_DB_URL``), whose schema
  is brought up to date here, once, before any participant's kernel opens it;
- ``jupyterhub-idle-culler`` as a hub service, with a role holding only the scopes it needs;
- who may log in and their groups, from the roster (:mod:`shine.hub.roster`);
- the roster's nbgrader courses, each with its formgrader service (:mod:`shine.hub.courses`), and
  its rooms, each workshop's pages as a public service (:mod:`shine.hub.rooms`).
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from functools import partial
from pathlib import Path

from shine.i18n import _

from .roster import USERNAME, Roster
from .settings import HubSettings

CULLER = "idle-culler"
# What the culler needs and nothing more (jupyterhub-idle-culler's README); deleting users is not
# among them: a culled participant keeps their account and their files.
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]
SPAWNER_CLASSES = {"local": "localprocess", "demo": "simple"}
FORKING_SPAWNER = "shine.hub.spawner.ForkingSpawner"
START_TIMEOUT_S = 120  # a room logging in at once on two cores: servers start one after another
HTTP_TIMEOUT_S = 90
MIN_UID = 1000  # below: root and system accounts (Debian's UID_MIN)

CONFIG_FILE = '''\
"""JupyterHub for Time to Shine on one server (a district's or the state's).

Every setting comes from an environment variable (SHINE_DB_URL, SHINE_HUB_*: see
shine.hub.settings, or run `shine hub config --show`). Files *.py in SHINE_HUB_CONFIG_DIR
(default /etc/jupyterhub/jupyterhub_config.d) are read after this one, in name order: put a
district's authenticator, services and groups there, not here. This file is what
`shine hub config` prints; keep the two the same.
"""

from shine.hub.config import configure, extra_config_files

settings = configure(c)  # noqa: F821 (JupyterHub provides c)
for path in extra_config_files(settings):
    load_subconfig(str(path))  # noqa: F821 (and load_subconfig)
'''


def singleuser_command(settings: HubSettings) -> list[str]:
    return [settings.python, "-m", "shine.hub.singleuser"]


def singleuser_args(settings: HubSettings) -> list[str]:
    """Options of each participant's JupyterLab: Voila's pages show no code and no tracebacks,
    and a page's kernel left behind by a closed tab (voila#1458) is stopped once idle."""
    args = [
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={settings.kernel_cull}",
        "--MappingKernelManager.cull_interval=60",
    ]
    if settings.spawner == "demo" and os.geteuid() == 0:
        args.append("--allow-root")  # the demo runs every server as the user who started it
    return args


def prepare_store(url: str) -> None:
    """Create the shine store or bring its schema up to date, once, as the hub starts (so no two
    participants' kernels race to migrate it)."""
    from shine.store import Store

    with Store(url, upgrade=True):
        pass


def prepare_os_user(spawner, create: bool = False) -> None:
    """Before a server starts: its OS user must be a person's, never root or a system account
    (a login named ``root`` through OAuth, LTI or a sign-up must not get a server as root). With
    ``SHINE_HUB_CREATE_USERS=1``, a person who logged in but has no OS user yet gets one, with a
    home folder."""
    name = spawner.user.name
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        if not create:
            return  # the spawner says itself that there is no such user
        if not USERNAME.match(name):
            raise ValueError(_("{name!r} cannot be an OS user name; map such logins to names of lower-case letters, "
                               "digits, - and _ (see the README).").format(name=name)) from None
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", "--", name],
                       check=True, capture_output=True, timeout=60)
        account = pwd.getpwnam(name)
    if account.pw_uid < MIN_UID:
        raise ValueError(_("{name!r} is a system account: no server runs as it.").format(name=name))


def extra_config_files(settings: HubSettings) -> list[Path]:
    folder = settings.config_dir
    return sorted(p for p in folder.glob("*.py") if p.is_file()) if folder.is_dir() else []


def configure(c, settings: HubSettings | None = None) -> HubSettings:
    """Fill JupyterHub's config object ``c``; returns the settings used."""
    settings = settings or HubSettings.from_env()
    state = settings.state_dir
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    prepare_store(settings.store_url)

    # Where people connect: the proxy. The hub and the proxy's API stay on this machine.
    c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}/"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_port}"
    c.JupyterHub.proxy_class = "configurable-http-proxy"
    c.ConfigurableHTTPProxy.command = [settings.proxy]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.db_url = settings.hub_db

    # Who may log in.
    c.JupyterHub.authenticator_class = settings.auth
    if settings.auth == "shared-password":
        c.SharedPasswordAuthenticator.user_password = settings.password
    c.JupyterHub.load_groups = {}
    roster = None
    if settings.roster is not None:
        roster = Roster.load(settings.roster)
        c.Authenticator.allowed_users = roster.users
        c.Authenticator.admin_users = set(roster.admins)
        c.JupyterHub.load_groups = {name: {"users": members} for name, members in roster.groups().items()}

    # Each person's own JupyterLab, as their own OS user (or, in the demo, as this user).
    c.JupyterHub.spawner_class = SPAWNER_CLASSES[settings.spawner]
    if settings.spawner == "demo":
        c.SimpleLocalProcessSpawner.home_dir_template = str(settings.homes / "{username}")
    c.Spawner.cmd = singleuser_command(settings)
    c.Spawner.args = singleuser_args(settings)
    c.Spawner.default_url = settings.default_url
    c.Spawner.disable_user_config = True  # a participant's ~/.jupyter cannot break their server
    c.Spawner.environment = {"SHINE_DB_URL": settings.store_url, "SHINE_CURRICULUM": str(settings.curriculum)}
    if settings.forks:  # servers and their kernels forked from one warm process (zygote.py)
        from .spawner import PROVISIONER_NAME, zygote_settings
        from .zygote import SOCKET_ENV

        c.JupyterHub.spawner_class = FORKING_SPAWNER
        for name, value in zygote_settings(settings).items():
            setattr(c.ForkingSpawner, name, value)
        c.Spawner.environment[SOCKET_ENV] = c.ForkingSpawner.zygote_socket
        c.Spawner.args = [*c.Spawner.args, f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER_NAME}"]
    c.Spawner.start_timeout = START_TIMEOUT_S
    c.Spawner.http_timeout = HTTP_TIMEOUT_S
    if settings.spawner == "local":
        c.Spawner.pre_spawn_hook = partial(prepare_os_user, create=settings.create_users)
    if roster is not None:  # scoped data: memberships, and on PostgreSQL a role per person (dbroles.py)
        from .dbroles import server_store_url, sync_db

        if sync_db(settings, roster).secured:
            c.Spawner.environment["SHINE_DB_URL"] = partial(server_store_url, settings)

    # Services (and their roles): the idle culler now; formgraders and room services append theirs.
    c.JupyterHub.services = [{
        "name": CULLER,
        "command": [sys.executable, "-m", "shine.hub.culler", f"--timeout={settings.cull_timeout}",
                    f"--cull-every={settings.cull_every}"],
    }]
    c.JupyterHub.load_roles = [{"name": CULLER, "scopes": list(CULLER_SCOPES), "services": [CULLER]}]
    from .courses import add_courses
    from .rooms import add_rooms

    add_courses(c, settings, roster, free_port)
    add_rooms(c, settings, roster, free_port)
    return settings


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now: each service gets one at every start of the hub."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
