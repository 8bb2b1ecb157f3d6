"""A real JupyterHub for the benchmarks, started the way ``tests/test_hub.py`` starts it: the
hub from ``deploy/hub/jupyterhub_config.py`` with configurable-http-proxy (npm), its database and
the shine store in a throwaway PostgreSQL (:class:`shine.hub.postgres.TemporaryPostgres`), and
participants who are real OS users, each server run as its own. Needs root (to make OS users).

The participants' Python: the project's virtualenv usually sits on a Python under root's home
(pyenv), which OS users cannot run; its parent folders get o+x (through, not list) while the hub
runs, and their modes come back afterwards, so every OS user runs the hub's own interpreter, as on
a district server (a virtualenv in /opt).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from shine.hub.demo import stop_hub
from shine.hub.postgres import TemporaryPostgres
from shine.hub.roster import Roster

from .common import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOYED_CONFIG = REPO_ROOT / "deploy" / "hub" / "jupyterhub_config.py"
STARTUP_S = 240


def let_others_through(*paths: Path) -> list[tuple[Path, int]]:
    """o+x on every parent folder of ``paths`` that lacks it; the (folder, mode) pairs changed."""
    changed = []
    for path in paths:
        for folder in reversed(Path(path).resolve().parents):
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                os.chmod(folder, mode | stat.S_IXOTH)
                changed.append((folder, mode))
    return changed


def restore_modes(changed: list[tuple[Path, int]]) -> None:
    for folder, mode in reversed(changed):
        with contextlib.suppress(OSError):
            os.chmod(folder, stat.S_IMODE(mode))


def reachable_by(user: str, python: str) -> bool:
    probe = subprocess.run(["runuser", "-u", user, "--", python, "-c", "import shine.hub.singleuser, jupyterhub"],
                           capture_output=True, timeout=120, cwd="/")
    return probe.returncode == 0


def make_users(names: list[str], homes: Path) -> list[str]:
    made = []
    for name in names:
        subprocess.run(["useradd", "--create-home", "--home-dir", str(homes / name), "--shell", "/bin/bash",
                        "--user-group", name], check=True, capture_output=True, timeout=60)
        made.append(name)
    return made


def processes_of(user: str) -> list[psutil.Process]:
    uid = pwd.getpwnam(user).pw_uid
    return [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]


def remove_users(names: list[str]) -> None:
    """End what each user still runs (by process id), then remove the account and its home."""
    for name in names:
        try:
            procs = processes_of(name)
        except KeyError:
            continue
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(procs, timeout=10)
        subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


@dataclass
class BenchHub:
    base: Path
    url: str
    token: str
    env: dict[str, str]
    users: list[str]
    proc: subprocess.Popen | None = None
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return requests.request(method, f"{self.url}hub/api/{path}",
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""


def _start(hub: BenchHub) -> None:
    hub.log = hub.base / "hub.log"
    with hub.log.open("w") as out:
        hub.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(DEPLOYED_CONFIG)], cwd=hub.base,
                                    env=hub.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            raise RuntimeError(f"the hub stopped:\n{hub.log_text()[-3000:]}")
        try:
            if requests.get(hub.url + "hub/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the hub did not start in {STARTUP_S} s:\n{hub.log_text()[-3000:]}")


@contextmanager
def running_hub(participants: int, districts: tuple[str, ...] = ("Groton", "Windsor"), **settings: str):
    """A hub with ``participants`` OS users in ``districts`` (``settings``: more SHINE_HUB_*
    variables); everything made is removed after."""
    if os.geteuid() != 0:
        raise RuntimeError("the hub benchmark makes OS users, one per participant: run it as root")
    proxy = shutil.which("configurable-http-proxy")
    if proxy is None:
        raise RuntimeError("configurable-http-proxy is missing: npm install -g configurable-http-proxy")
    tag = uuid.uuid4().hex[:5]
    names = [f"p{i:02d}-{tag}" for i in range(participants)]
    base = Path(tempfile.mkdtemp(prefix="shine-hub-bench-", dir="/tmp"))
    base.chmod(0o755)
    (base / "home").mkdir()
    (base / "home").chmod(0o755)
    changed: list[tuple[Path, int]] = []
    made: list[str] = []
    try:
        with TemporaryPostgres() as pg:
            store_url, hub_db = pg.create("shine"), pg.create("jupyterhub")
            made = make_users(names, base / "home")
            if not reachable_by(names[0], sys.executable):
                changed = let_others_through(Path(sys.executable).resolve(), REPO_ROOT / "widgets",
                                             REPO_ROOT / "modules")
                if not reachable_by(names[0], sys.executable):
                    raise RuntimeError(f"{names[0]} cannot run {sys.executable} with this project's packages")
            roster = Roster(districts={d: names[i::len(districts)] for i, d in enumerate(districts)})
            (base / "roster.yaml").write_text(roster.to_yaml())
            token = uuid.uuid4().hex
            (base / "config.d").mkdir()
            (base / "config.d" / "50-bench-admin.py").write_text(
                f'c.JupyterHub.services.append({{"name": "bench-admin", "api_token": "{token}"}})\n'
                'c.JupyterHub.load_roles.append({"name": "bench-admin", "services": ["bench-admin"], "scopes": '
                '["admin:users", "admin:servers", "tokens"]})\n')
            port = free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("SHINE_", "JUPYTER"))}
            env.update(SHINE_DB_URL=store_url, SHINE_HUB_DB_URL=hub_db, SHINE_HUB_AUTH="dummy",
                       SHINE_HUB_ROSTER=str(base / "roster.yaml"), SHINE_HUB_IP="127.0.0.1", SHINE_HUB_PORT=str(port),
                       SHINE_HUB_API_PORT=str(free_port()), SHINE_HUB_PROXY_API_PORT=str(free_port()),
                       SHINE_HUB_STATE_DIR=str(base / "state"), SHINE_HUB_CONFIG_DIR=str(base / "config.d"),
                       SHINE_HUB_PYTHON=sys.executable, SHINE_HUB_PROXY=proxy,
                       SHINE_HUB_NBGRADER_DIR=str(base / "nbgrader"), SHINE_HUB_ROOM_KIOSKS="0", **settings)
            hub = BenchHub(base=base, url=f"http://127.0.0.1:{port}/", token=token, env=env, users=names)
            try:
                _start(hub)
                yield hub
            finally:  # the hub stops every server while its database is still there
                if hub.proc is not None:
                    stop_hub(hub.proc, timeout=120)
                with contextlib.suppress(OSError):  # the hub's log outlives the run, for a look afterwards
                    shutil.copy(hub.log, Path(tempfile.gettempdir()) / "shine-hub-bench-last.log")
    finally:
        remove_users(made)
        restore_modes(changed)
        shutil.rmtree(base, ignore_errors=True)


def log_in(url: str, name: str, next_url: str = "") -> requests.Session:
    """What a browser does with the hub's login page: its _xsrf cookie, then the form."""
    session = requests.Session()
    session.get(url + "hub/login", timeout=60).raise_for_status()
    answer = session.post(url + "hub/login" + (f"?next={next_url}" if next_url else ""), allow_redirects=False,
                          timeout=60, data={"username": name, "password": "any", "_xsrf": session.cookies["_xsrf"]})
    if answer.status_code != 302:
        raise RuntimeError(f"login of {name}: {answer.status_code}")
    return session
