"""Past one server: Zero to JupyterHub on Kubernetes, from the same settings as the tested hub.

``shine hub kubernetes [--out deploy/kubernetes] [--roster PATH]`` writes two files:

- ``values.yaml``, the Helm values of Zero to JupyterHub (the ``jupyterhub`` chart);
- ``Dockerfile``, the single-user image those values name: the wheel installed with
  ``pip install -c requirements/lock.txt``, as ``make`` and a district server install it.

Both come from :class:`~shine.hub.settings.HubSettings` (its defaults, overridden by the same
``SHINE_HUB_*`` variables) and the roster, through the functions the one-server configuration
uses (:mod:`shine.hub.config`): the participants' server command and its Voila options
(:func:`~shine.hub.config.singleuser_args`: no code, no tracebacks, idle kernels stopped), the
default URL, the culler's timeout and interval, who may log in, the admins and the hub groups.

The values *mirror* :func:`~shine.hub.config.configure` rather than import it. The chart's hub
runs its own image (``k8s-hub``), which has no ``shine`` in it, and most of what ``configure``
does belongs to one machine (OS users, a local proxy, local services run as OS accounts); what
carries over is data, written here into ``hub.config`` as plain traitlets settings, so the hub
pod needs no image of ours and the chart stays upgradable on its own. What needs ``shine`` in the
hub pod (the store's schema, the roster's scopes) runs as an init container from the single-user
image.

Scoped data as on the one-server hub (:mod:`shine.hub.dbroles`): the hub pod's init container
(the single-user image) brings the store's schema up to date and runs ``shine hub sync-db`` with
the roster (memberships, a database role per person, row-level security), and the hub gives each
participant's pod a ``SHINE_DB_URL`` with their own role (:data:`STORE_URL_CONFIG`, a few lines
of ``hub.extraConfig``, since the chart's hub image has no ``shine``). No pod gets the owner's URL.

Secrets stay out of the files: the shine store's URL (the owner's) is a reference to the
Kubernetes Secret ``shine-store`` (key ``url``), read by the hub pod only; the key the people's
passwords come from is ``shine-store-roles`` (key ``key``); the hub database's password is
``shine-hub-db`` (key ``password``, read by the hub as ``PGPASSWORD``).

Not carried over yet: nbgrader courses (a formgrader per course and the shared exchange need a
ReadWriteMany volume and a grader identity per course) and rooms as hub services; on Kubernetes
those stay on a one-server hub (:mod:`shine.hub.courses`, :mod:`shine.hub.rooms`).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from pathlib import Path

import yaml

from .config import singleuser_args
from .roster import Roster
from .settings import HubSettings

IMAGE = "time-to-shine-singleuser"
STORE_SECRET = ("shine-store", "url")
ROLES_SECRET = ("shine-store-roles", "key")  # the hub-only key the people's passwords come from
ROSTER_ENV = "SHINE_HUB_ROSTER_YAML"  # the roster, for the hub pod's sync-db (names, no secret)
STATE = "/tmp/shine-hub-state"  # the init container's: where sync-db reads the key file
# In the hub (hub.extraConfig): each pod's SHINE_DB_URL carries its person's own database role,
# never the owner's. The same derivation as shine.hub.dbroles.person_url (the chart's hub image has
# no shine; tests/test_hub_kubernetes.py checks both give the same URL).
STORE_URL_CONFIG = """\
import hashlib, hmac, os
from sqlalchemy.engine import make_url


def shine_store_url(spawner):
    \"\"\"The store's URL with the person's own role (shine.hub.dbroles.person_url).\"\"\"
    key = os.environ["SHINE_STORE_ROLES_KEY"].strip().encode()
    name = spawner.user.name
    password = hmac.new(key, name.encode(), hashlib.sha256).hexdigest()
    url = make_url(os.environ["SHINE_DB_URL"]).set(username=name, password=password)
    return url.render_as_string(hide_password=False)


c.KubeSpawner.environment.update({"SHINE_DB_URL": shine_store_url})
"""
HUB_DB_SECRET = ("shine-hub-db", "password")
HUB_DB_URL = "postgresql://jupyterhub@shine-postgres:5432/jupyterhub"  # psycopg2, as the k8s-hub image has
POSTGRES_PORT = 5432
LOCK = "requirements/lock.txt"
# Per participant (server + module kernel): the guarantees are what the scheduler packs nodes by,
# above the measured memory (README, "Past one server"); the limit leaves room for more kernels.
MEMORY_GUARANTEE, MEMORY_LIMIT = "256M", "768M"
CPU_GUARANTEE, CPU_LIMIT = 0.125, 1.0  # 60 per 8-vCPU node: what a room arriving at once needs (README)
HOME_CAPACITY = "1Gi"  # notes and exercises: small files
HEADER = ("# Zero to JupyterHub values for Time to Shine: written by `shine hub kubernetes` from the same\n"
          "# settings and roster as the one-server hub (shine/hub/kubernetes.py). Do not edit by hand:\n"
          "# change the settings or the roster and run it again. Install (see the README, \"Past one server\"):\n"
          "#   helm upgrade --install shine jupyterhub/jupyterhub --values deploy/kubernetes/values.yaml\n")


def package_version() -> str:
    return importlib.metadata.version("time-to-shine")


def wheel_name(version: str | None = None) -> str:
    return f"time_to_shine-{version or package_version()}-py3-none-any.whl"


def kubernetes_settings(environ: Mapping[str, str] | None = None) -> HubSettings:
    """The hub's settings as the cluster uses them: the ``SHINE_HUB_*`` variables given (none: the
    defaults), the store's URL standing for the Secret that holds it."""
    import os

    env = dict(os.environ if environ is None else environ)
    env.setdefault("SHINE_DB_URL", "secret:{0}/{1}".format(*STORE_SECRET))
    for local_only in ("SHINE_HUB_AUTH", "SHINE_HUB_SPAWNER", "SHINE_HUB_ROSTER", "SHINE_CURRICULUM"):
        env.pop(local_only, None)  # the cluster's own: no OS users, the image's curriculum
    return HubSettings.from_env(env)


def _secret_env(secret: tuple[str, str]) -> dict:
    name, key = secret
    return {"valueFrom": {"secretKeyRef": {"name": name, "key": key}}}


SYNC_COMMAND = ('umask 077 && mkdir -p "$SHINE_HUB_STATE_DIR"'
                ' && printf %s "$SHINE_STORE_ROLES_KEY" > "$SHINE_HUB_STATE_DIR/store-roles.key"'
                f' && printf %s "${ROSTER_ENV}" > "$SHINE_HUB_ROSTER"'
                " && python -c 'import os; from shine.hub.config import prepare_store;"
                " prepare_store(os.environ[\"SHINE_DB_URL\"])'"
                " && python -m shine hub sync-db")


def values(settings: HubSettings, roster: Roster | None = None, image: str = IMAGE,
           tag: str | None = None) -> dict:
    """The Helm values (a dict): only keys Zero to JupyterHub's values.schema.yaml knows."""
    roster = roster or Roster()
    tag = tag or package_version()
    config: dict = {
        "JupyterHub": {
            # A login every district can run without secrets in this file; swap in OAuth or LTI
            # with the one-server snippets (README), under hub.config.
            "authenticator_class": "native",
            "admin_access": False,
            "load_groups": {name: {"users": members} for name, members in roster.groups().items()},
        },
        "NativeAuthenticator": {"open_signup": False, "minimum_password_length": 10,
                                "check_common_password": True},
        "Spawner": {"disable_user_config": True},
        "KubeSpawner": {"args": singleuser_args(settings)},
    }
    if roster.users:
        config["Authenticator"] = {"allowed_users": sorted(roster.users), "admin_users": sorted(set(roster.admins))}
    else:
        config["Authenticator"] = {"allow_all": True}  # NativeAuthenticator: an admin approves each account
    return {
        "hub": {
            "config": config,
            "db": {"type": "postgres", "url": HUB_DB_URL},
            "extraEnv": {"PGPASSWORD": _secret_env(HUB_DB_SECRET), "SHINE_DB_URL": _secret_env(STORE_SECRET),
                         "SHINE_STORE_ROLES_KEY": _secret_env(ROLES_SECRET)},
            "extraConfig": {"shine-store-url": STORE_URL_CONFIG},
            # Before the hub (and any kernel) starts: the store's schema brought up to date, then the
            # roster's scopes (memberships, a role per person, row-level security: shine hub sync-db).
            "initContainers": [{
                "name": "shine-store",
                "image": f"{image}:{tag}",
                "command": ["sh", "-c", SYNC_COMMAND],
                "env": [{"name": "SHINE_DB_URL", **_secret_env(STORE_SECRET)},
                        {"name": "SHINE_STORE_ROLES_KEY", **_secret_env(ROLES_SECRET)},
                        {"name": ROSTER_ENV, "value": roster.to_yaml()},
                        {"name": "SHINE_HUB_STATE_DIR", "value": STATE},
                        {"name": "SHINE_HUB_ROSTER", "value": f"{STATE}/roster.yaml"}],
            }],
        },
        "singleuser": {
            "image": {"name": image, "tag": tag},
            "cmd": ["python", "-m", "shine.hub.singleuser"],
            "defaultUrl": settings.default_url,
            "memory": {"guarantee": MEMORY_GUARANTEE, "limit": MEMORY_LIMIT},
            "cpu": {"guarantee": CPU_GUARANTEE, "limit": CPU_LIMIT},
            "storage": {"capacity": HOME_CAPACITY},
            # Participants' pods may reach PostgreSQL (the shared store), not the rest of the cluster.
            "networkPolicy": {"egress": [{"ports": [{"port": POSTGRES_PORT, "protocol": "TCP"}]}]},
        },
        "cull": {"enabled": True, "users": False, "timeout": settings.cull_timeout, "every": settings.cull_every},
        "scheduling": {
            "userScheduler": {"enabled": True},  # pack pods onto few nodes, so idle nodes can go
            "podPriority": {"enabled": True},
            "userPlaceholder": {"enabled": True, "replicas": 0},  # raise before a statewide session
        },
    }


def values_yaml(settings: HubSettings, roster: Roster | None = None, image: str = IMAGE, tag: str | None = None) -> str:
    return HEADER + "\n" + yaml.safe_dump(values(settings, roster, image, tag), sort_keys=False, width=100)


def dockerfile(version: str | None = None) -> str:
    wheel = wheel_name(version)
    return f"""\
# The single-user image of deploy/kubernetes/values.yaml: each participant's JupyterLab with Voila,
# as on the one-server hub (python -m shine.hub.singleuser). Written by `shine hub kubernetes`.
# Build it from the checkout's root, after building the wheel:
#   python -m pip wheel --no-deps -w dist .
#   docker build -f deploy/kubernetes/Dockerfile -t {IMAGE}:{version or package_version()} .
FROM python:3.11-slim-bookworm

# Zero to JupyterHub runs participants as uid 1000 with group 100 (singleuser.uid, fsGid).
RUN useradd --create-home --uid 1000 --gid 100 --shell /bin/bash jovyan

# The same versions as `make` and a district server: the lock constrains every package (-c).
COPY {LOCK} /opt/time-to-shine/lock.txt
COPY dist/{wheel} /opt/time-to-shine/
RUN python -m venv /opt/time-to-shine/env \\
    && /opt/time-to-shine/env/bin/pip install --no-cache-dir --disable-pip-version-check \\
       -c /opt/time-to-shine/lock.txt '/opt/time-to-shine/{wheel}[hub]' \\
    && rm /opt/time-to-shine/{wheel}
ENV PATH=/opt/time-to-shine/env/bin:$PATH

USER 1000
WORKDIR /home/jovyan
EXPOSE 8888
CMD ["python", "-m", "shine.hub.singleuser"]
"""


def render(environ: Mapping[str, str] | None = None, roster_path: Path | None = None,
           image: str = IMAGE) -> dict[str, str]:
    """File name -> text, as ``shine hub kubernetes`` writes them."""
    settings = kubernetes_settings(environ)
    roster = Roster.load(roster_path) if roster_path else None
    return {"values.yaml": values_yaml(settings, roster, image), "Dockerfile": dockerfile()}


def write(out: Path, files: dict[str, str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written
