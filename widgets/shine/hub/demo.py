"""``shine hub demo``: a JupyterHub on this machine for a trainer to try, stopped with Ctrl-C.

The same configuration as a district server (:mod:`shine.hub.config`), with three differences a
laptop needs: every server runs as the user who started the demo (home folders in a temporary
folder instead of OS users), everyone logs in with one printed password, and the databases are
temporary: a throwaway PostgreSQL when it is installed (else SQLite files, with a note), unless
``SHINE_DB_URL`` / ``SHINE_HUB_DB_URL`` name databases to use. Ctrl-C stops the hub, the proxy,
every participant's server and the temporary database, and deletes the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from shine.i18n import _

from .config import CONFIG_FILE
from .postgres import PostgresUnavailable, TemporaryPostgres
from .roster import Roster
from .settings import HubSettings, HubSettingsError

DEMO_ROSTER = Roster(trainers=["trainer"], districts={"Groton": ["ana", "carlos"], "Windsor": ["ben", "dee"]})
STARTUP_S = 120
STOP_S = 30


def _say(text: str = "") -> None:
    with contextlib.suppress(OSError, ValueError):  # the terminal may have gone; stopping must go on
        print(text, flush=True)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_tools(proxy: str = "configurable-http-proxy") -> list[str]:
    """What the demo needs and this machine lacks, each with how to get it."""
    missing = []
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
    except ImportError:
        missing.append(_("JupyterHub: pip install 'time-to-shine[hub]'"))
    if not shutil.which(proxy):
        missing.append(_("configurable-http-proxy: npm install -g configurable-http-proxy (needs Node.js)"))
    return missing


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "hub/health", timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def stop_hub(proc: subprocess.Popen, timeout: float = STOP_S) -> None:
    """SIGTERM: JupyterHub stops every server and the proxy it started. Whatever it left behind
    (it was frozen, or killed) is ended here, by process id, so no port stays taken."""
    try:
        started = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        started = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    alive = [p for p in started if p.is_running()]
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _gone, left = psutil.wait_procs(alive, timeout=10)
    for p in left:
        with contextlib.suppress(psutil.Error):
            p.kill()


def run_demo(port: int = 8000, lan: bool = False, folder: Path | None = None) -> int:
    missing = missing_tools(os.environ.get("SHINE_HUB_PROXY", "configurable-http-proxy"))
    if missing:
        _say(_("The demo hub needs:"))
        for line in missing:
            _say(f"  - {line}")
        return 2
    work = Path(tempfile.mkdtemp(prefix="shine-hub-demo-", dir=folder))
    pg = None
    proc = None
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it as Ctrl-C does
    try:
        store_url = os.environ.get("SHINE_DB_URL", "").strip()
        hub_url = os.environ.get("SHINE_HUB_DB_URL", "").strip()
        if not (store_url and hub_url):
            try:
                pg = TemporaryPostgres().start()
                store_url = store_url or pg.create("shine")
                hub_url = hub_url or pg.create("jupyterhub")
                _say(_("Databases: a temporary PostgreSQL server, deleted when the demo stops."))
            except PostgresUnavailable as exc:
                _say(_("No PostgreSQL for the demo ({reason}): SQLite files are used instead, which is fine for "
                       "trying the hub; a district server uses PostgreSQL.").format(reason=exc))
                store_url = store_url or f"sqlite:///{work / 'shine.db'}"
        roster_path = work / "roster.yaml"
        roster_path.write_text(DEMO_ROSTER.to_yaml(), encoding="utf-8")
        password = "shine-" + secrets.token_hex(3)
        (work / "config.d").mkdir()
        env = dict(os.environ, SHINE_DB_URL=store_url, SHINE_HUB_AUTH="shared-password", SHINE_HUB_PASSWORD=password,
                   SHINE_HUB_ROSTER=str(roster_path), SHINE_HUB_SPAWNER="demo", SHINE_HUB_HOMES=str(work / "homes"),
                   SHINE_HUB_STATE_DIR=str(work / "state"), SHINE_HUB_CONFIG_DIR=str(work / "config.d"),
                   SHINE_HUB_NBGRADER_DIR=str(work / "nbgrader"),
                   SHINE_HUB_IP="0.0.0.0" if lan else "127.0.0.1", SHINE_HUB_PORT=str(port),
                   SHINE_HUB_API_PORT=str(_free_port()), SHINE_HUB_PROXY_API_PORT=str(_free_port()))
        if hub_url:
            env["SHINE_HUB_DB_URL"] = hub_url
        else:
            env.pop("SHINE_HUB_DB_URL", None)
        try:
            settings = HubSettings.from_env(env)
        except HubSettingsError as exc:
            for problem in exc.problems:
                _say(problem)
            return 2
        config = work / "jupyterhub_config.py"
        config.write_text(CONFIG_FILE, encoding="utf-8")
        log_path = work / "jupyterhub.log"
        with log_path.open("w", encoding="utf-8") as log:
            proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=work, env=env,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if not _wait_ready(settings.public_url, proc, STARTUP_S):
            _say(_("The hub did not start. The end of its log:"))
            _say(log_path.read_text(encoding="utf-8", errors="replace")[-3000:])
            return 1
        _say(_("The demo hub is running. Open {url} and log in as one of:").format(url=settings.public_url))
        _say(_("  trainer (group trainers); ana, carlos (district-groton); ben, dee (district-windsor)"))
        _say(_("  password for everyone: {password}").format(password=password))
        _say(_("A module as a page: {url}user/ana/voila/render/modules/01-definition.ipynb").format(
            url=settings.public_url))
        _say(_("Everything is temporary (folder {folder}); Ctrl-C stops the hub, every server and the "
               "databases.").format(folder=work))
        proc.wait()
        _say(_("The hub stopped by itself. The end of its log:"))
        _say(log_path.read_text(encoding="utf-8", errors="replace")[-3000:])
        return 1
    except KeyboardInterrupt:
        _say(_("Stopping the hub, every server and the temporary databases..."))
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave things half-stopped
        try:
            if proc is not None:
                stop_hub(proc)
            if pg is not None:
                pg.stop()
            shutil.rmtree(work, ignore_errors=True)
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, previous)
