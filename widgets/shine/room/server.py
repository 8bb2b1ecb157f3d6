"""Starting Voila for a session: the curriculum's notebooks as pages with no code showing.

Voila always runs standalone (as a JupyterLab extension it would let a browser run code), with
tracebacks hidden and idle kernels culled.

Voila's kernel leak (voila#1458): a page opened straight at ``/voila/render/...`` never gets the
``_xsrf`` cookie that its tab-close beacon must send, so the beacon is refused and the kernel
lives on until culled. Every server started here runs Voila through :func:`voila_main`, whose page
handler hands out the cookie with the page, so closing a kiosk tab frees its kernel at once;
culling stays as the safety net for tabs that crash or phones that go to sleep.

``shine serve`` runs it on the modules; ``shine workshop`` (:mod:`shine.room.session`) adds a
live session on top.

This module is also the main module of every server it starts (``python -m shine.room.server``),
so importing it only defines things: the fork server behind :mod:`shine.room.kernels` imports it
in every kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from shine import upstream
from shine.i18n import _
from shine.web.paths import modules_dir, shine_home

VOILA_TEMPLATES = Path(__file__).resolve().parent.parent / "web"  # holds voila/templates/shine

from .kernels import MODULE_PAGES, PRELOAD_ENV, PROVISIONER_NAME, server_processes
from .pools import PLAN_ENV, status_path

CULL_IDLE_S = 600   # a participant reading a page for ten minutes keeps their kernel
CULL_INTERVAL_S = 60
KERNEL_EXIT_S = 10  # after Voila has stopped, how long its kernels get to finish exiting
# A taken kernel is replaced this long after: while a room is arriving and starting to post, the
# laptop serves its pages first and preheats their replacements after (replacing each 10 s after
# it was taken put the preheating in the middle of a ten-second arrival, measured). Anyone
# arriving while the pool has no kernel ready gets a kernel started for their page at once, a few
# seconds slower (upstream.voila_pools_hand_out_ready_kernels_only: Voila would hand them a queued
# replacement and make them wait out this delay).
FILL_DELAY_S = 30.0
IOPUB_TIMEOUT_S = 60
HIDE_LISTINGS_ENV = "SHINE_HIDE_LISTINGS"  # "1": no folder listing, no contents API (a workshop's server)
MAX_LOG_BYTES = 10 * 1024 * 1024  # Voila's log is rotated at this size...
LOGS_KEPT = 3  # ...keeping this many older ones: at most 40 MB in all
UNUSED_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab_pygments",
                     "@voila-dashboards/jupyterlab-preview"]
_RUNNING = re.compile(r"Voil[àa] is running at:\s*$")
# Pages whose preheated kernel waits for its request and reads the address itself: any address of
# theirs may use the pool. Every other pooled page is preheated only for plain addresses (a page
# asked for with ?lang= or ?keep= gets a kernel started for it; upstream.voila_preheats_plain_requests).
READS_REQUEST = ("kiosk.ipynb",)
# ``shine serve``: preheated kernels for each module page of the server's language. Each holds
# about 40 MiB of its own (60 for the heaviest page; the rest is shared with the module pages'
# fork server, ~130 MiB), so 8 modules cost ~0.3 GiB; ``--pool`` sets it (0: none, every page
# starts its kernel when opened, forked from that warm fork server all the same).
MODULE_POOL = 1
_MODULE_NOTEBOOK = re.compile(r"\d\d-[^/]*\.ipynb")


def lan_address() -> str:
    """This machine's address on the room's network (no packet leaves the machine)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET address: only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def voila_main(argv: list[str] | None = None) -> None:
    """Run Voila with this project's patches (``shine.upstream``): the tab-close cookie
    (voila#1458), templates compiled once per server, and pages without MathJax."""
    from traitlets.config import Config
    from voila.app import Voila

    upstream.voila_sets_xsrf_cookie()
    upstream.voila_tells_pages_who_asked(hide_listings=os.environ.get(HIDE_LISTINGS_ENV) == "1")
    upstream.share_compiled_templates()
    upstream.voila_preheats_plain_requests(READS_REQUEST)
    upstream.voila_pools_hand_out_ready_kernels_only()
    upstream.kernel_ports_outside_ephemeral_range()
    if os.environ.get(PLAN_ENV):  # a module server whose pools follow the agenda (shine.room.pools)
        plan = Path(os.environ[PLAN_ENV])
        upstream.voila_pools_follow(plan, status_path(plan))
    # Started from a background job, SIGINT arrives ignored; Voila must still stop on it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["voila", *(sys.argv[1:] if argv is None else argv)]
    config = Config()
    config.VoilaConfiguration.page_config_hook = upstream.no_mathjax_page_config
    config.VoilaConfiguration.http_header_envs = [upstream.CLIENT_HEADER, upstream.DEVICE_HEADER]
    Voila.launch_instance(config=config)


def voila_command(notebooks: Path, *, port: int, lan: bool, extra: list[str] | None = None,
                  cull_idle: int = CULL_IDLE_S, cull_interval: int = CULL_INTERVAL_S) -> list[str]:
    return [
        sys.executable, "-m", "shine.room.server", str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={'0.0.0.0' if lan else '127.0.0.1'}",
        "--show_tracebacks=False",
        # Our template (shine/web/voila/templates/shine, found through JUPYTER_PATH): Voila's lab
        # template without the stylesheets it fetches from a public CDN.
        "--template=shine",
        "--strip_sources=True",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER_NAME}",
        # A page's output arrives after its cell finishes; nbclient waits 4 s for it and then
        # renders the page empty (for good). While a room's worth of kernels is being preheated
        # the laptop is busy, so it waits longer: a late page beats a blank one.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|gif|svg|css)']",
        # Lab extensions a page has no use for (each is more JavaScript for every phone to load).
        f"--VoilaConfiguration.extension_denylist={json.dumps(UNUSED_EXTENSIONS)}",
        *(extra or []),
    ]


def pool_settings(pools: dict[str, int], *, fill_delay: float = FILL_DELAY_S) -> list[str]:
    """Voila options for preheated kernels: ``pools`` maps a notebook to its pool size.

    Every other notebook gets no pool (its kernel starts when the page is opened): the wall and
    the console are opened once or twice, and an idle preheated wall would poll the store for
    nobody.
    """
    config = {name: {"pool_size": size} for name, size in pools.items()}
    config["default"] = {"pool_size": 0}
    return [
        "--preheat_kernel=True",
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(config)}",
        f"--VoilaKernelManager.fill_delay={fill_delay}",
    ]


def module_pools(notebooks: Path, size: int, lang: str | None = None) -> dict[str, int]:
    """``{notebook: size}`` for the module pages (``NN-name.ipynb``) in ``lang``: the folder's own
    (English) ones, or those in its ``<lang>/`` folder. Keys are paths as Voila names them."""
    from shine.i18n import DEFAULT_LANGUAGE

    if size <= 0:
        return {}
    folder = Path(notebooks)
    if lang and lang != DEFAULT_LANGUAGE and (folder / lang).is_dir():
        folder, prefix = folder / lang, f"{lang}/"
    else:
        prefix = ""
    return {f"{prefix}{path.name}": size for path in sorted(folder.glob("*.ipynb"))
            if _MODULE_NOTEBOOK.fullmatch(path.name)}


@dataclass
class Server:
    """A running Voila; ``url`` is what a person opens."""

    process: subprocess.Popen
    url: str
    log_path: Path
    lines: list[str] = field(default_factory=list)

    def stop(self, timeout: float = 20) -> int:
        """Stop Voila and wait until its kernels have gone too (the port and memory are free)."""
        if self.process.poll() is None:
            kernels = server_processes(self.process.pid)
            self.process.send_signal(signal.SIGINT)  # Voila shuts its kernels down on SIGINT
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:  # a Voila that does not stop (frozen) is made to
                self.process.terminate()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(5)
            # A kernel Voila has shut down may still be exiting, and one it was starting when
            # asked to stop may not have been told; neither outlives the server.
            _, left = psutil.wait_procs(kernels, timeout=KERNEL_EXIT_S)
            for proc in left:
                with contextlib.suppress(psutil.Error):
                    proc.kill()
            psutil.wait_procs(left, timeout=5)
        return self.process.returncode


class LogFile:
    """Voila's log, bounded and never in the way.

    It is rotated at :data:`MAX_LOG_BYTES` (``voila.log.1`` ... ``.3`` kept), so a day of a full
    room cannot fill the disk. A line that cannot be written (the disk is full, the folder is
    gone) is dropped and counted, never raised: the thread reading Voila's output must keep
    reading, or Voila blocks on its next line and every page with it. Writing resumes by itself
    when space returns, with a line saying how many were dropped."""

    def __init__(self, path: Path, max_bytes: int | None = None, keep: int = LOGS_KEPT):
        self.path, self.keep = path, keep
        self.max_bytes = MAX_LOG_BYTES if max_bytes is None else max_bytes
        self.fh = None
        self.dropped = 0

    def write(self, line: str) -> None:
        try:
            if self.fh is None:
                self.fh = self.path.open("a", encoding="utf-8", buffering=1)
            if self.dropped:
                self.fh.write(f"[shine] {self.dropped} log lines were dropped (the disk was full)\n")
                self.dropped = 0
            self.fh.write(line)
            self.fh.flush()
            if self.fh.tell() >= self.max_bytes:
                self._rotate()
        except (OSError, ValueError):
            self.dropped += 1
            self.close()  # reopened on the next line: a failed buffer is not written again

    def _rotate(self) -> None:
        self.close()
        for i in range(self.keep - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{i + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))

    def close(self) -> None:
        if self.fh is not None:
            fh, self.fh = self.fh, None
            with contextlib.suppress(OSError, ValueError):
                fh.close()


def say(text: str, *, error: bool = False) -> None:
    """Print to the trainer's terminal, never failing: when the terminal or a pipe (``| tee log``)
    has gone, the rest of the output goes nowhere and the program carries on (stopping the server
    must never depend on being able to print that it is stopping)."""
    stream = sys.stderr if error else sys.stdout
    try:
        print(text, file=stream, flush=True)
    except (BrokenPipeError, OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())  # later prints (and the final flush) go nowhere
            os.close(devnull)


def start(notebooks: Path | None = None, *, port: int = 8866, lan: bool = False, startup_timeout: float = 60,
          extra: list[str] | None = None, env: dict[str, str] | None = None, cull_idle: int = CULL_IDLE_S,
          cull_interval: int = CULL_INTERVAL_S, log_name: str = "voila.log") -> Server:
    notebooks = Path(notebooks or modules_dir())
    if not notebooks.is_dir():
        raise FileNotFoundError(_("There is no folder of notebooks at {path}.").format(path=notebooks))
    log_dir = shine_home() / "logs"
    with contextlib.suppress(OSError):  # a full disk: the server still starts, without its log
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_path = log_dir / log_name
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(VOILA_TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    command = voila_command(notebooks, port=port, lan=lan, extra=extra, cull_idle=cull_idle,
                            cull_interval=cull_interval)
    proc = subprocess.Popen(command, cwd=notebooks, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace", bufsize=1, start_new_session=True)
    server = Server(proc, "", log_path)
    found = threading.Event()

    def pump():  # keep Voila's log in a file; spot the line that says where it listens
        saw_banner = False
        log = LogFile(log_path)
        # Reading must never stop: a Voila whose output nobody reads blocks, and with it every page.
        for line in proc.stdout:
            log.write(line)
            server.lines.append(line)
            del server.lines[:-500]  # a long session logs a lot; keep the recent lines
            if saw_banner and not server.url and line.strip().startswith("http"):
                server.url = line.strip()
                found.set()
            saw_banner = saw_banner or bool(_RUNNING.search(line.strip()))
        log.close()
        found.set()

    threading.Thread(target=pump, daemon=True).start()
    found.wait(startup_timeout)
    if not server.url:
        server.stop()
        tail = "".join(server.lines[-15:])
        raise RuntimeError(_("Voila did not start. Its last words were:\n{tail}").format(tail=tail))
    if lan:
        server.url = server.url.replace("localhost", lan_address()).replace("127.0.0.1", lan_address())
    return server


def port_is_free(port: int, lan: bool) -> bool:
    with socket.socket() as s:
        # As the server will: connections of a server just stopped (TIME_WAIT) do not block it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0" if lan else "127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_for_stop(server: Server) -> bool:
    """Block until Ctrl-C, SIGTERM, the terminal closing or Voila exiting; True when asked to stop.

    Voila runs in its own session (so a stray Ctrl-C reaches it only through us); closing the
    trainer's terminal window (SIGHUP) must therefore stop it too, or it would keep the port."""
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, lambda *_a: stopping.set())
    try:
        while server.process.poll() is None and not stopping.is_set():
            time.sleep(0.3)
    except KeyboardInterrupt:
        stopping.set()
    return stopping.is_set()


def _checked_store() -> dict[str, str]:
    """Open the store once (created or brought up to date) and name its checked file for the
    pages' kernels, as ``shine workshop`` does: then no page's kernel reads the whole database
    again (``SHINE_STORE_CHECKED``). ``{}`` when it cannot be opened: each page then says why."""
    from shine.store import Store, StoreError
    from shine.store.db import CHECKED_ENV

    try:
        with Store() as store:
            if store.problem is None and store.path is not None:
                return {CHECKED_ENV: str(store.path)}
    except StoreError:
        pass
    return {}


def start_module_server(workshop_id: int, *, port: int, lan: bool, expected: int, notebooks: Path | None = None,
                        budget: int | None = None, env: dict[str, str] | None = None):
    """``(server, follower)``: a Voila of the module pages whose pools follow this workshop's
    agenda. The first plan is written before Voila starts, so the pools of the first segments
    begin filling at once."""
    from shine.store import Store

    from .pools import PoolFollower

    folder = Path(notebooks or modules_dir())
    if not folder.is_dir():
        raise FileNotFoundError(_("There is no folder of notebooks at {path}.").format(path=folder))
    available = set()
    for lang in [None, *(p.name for p in folder.iterdir() if p.is_dir())]:
        available.update(module_pools(folder, 1, lang))
    follower = PoolFollower(workshop_id, available, expected=expected, budget=budget)
    with Store() as store:
        follower.step(store)
    try:
        server = start(folder, port=port, lan=lan, startup_timeout=120, log_name="voila-modules.log",
                       env={PRELOAD_ENV: MODULE_PAGES, PLAN_ENV: str(follower.plan_file), **_checked_store(),
                            **(env or {})}, extra=pool_settings({}))
    except BaseException:
        follower.stop()
        raise
    return server, follower.start()


def _agenda_workshop(agenda: str) -> int | None:
    """The workshop ``shine serve --agenda`` follows: by join code, or the newest held today."""
    from datetime import date

    from shine.store import Store, StoreError

    try:
        with Store() as store:
            found = (store.room.latest_workshop(held_on=date.today()) if agenda.lower() == "today"
                     else store.room.workshop_by_code(agenda))
    except StoreError as exc:
        say(str(exc), error=True)
        return None
    if found is None:
        say(_("There is no workshop to follow ({agenda}): start one with shine workshop, or give its join "
              "code.").format(agenda=agenda), error=True)
        return None
    return found.id


def serve(notebooks: Path | None = None, *, port: int = 8866, lan: bool = False, pool: int = MODULE_POOL,
          agenda: str | None = None, expected: int = 30) -> int:
    """Run until Ctrl-C: print the address, then wait.

    The pages' kernels are forked from a fork server that has loaded what module pages need
    (``shine.lessons.preload``), and each module page of the server's language keeps ``pool``
    preheated kernels (:func:`module_pools`). With ``agenda`` (a workshop's join code, or
    ``"today"`` for the newest workshop held today), the pools follow that workshop's agenda
    instead (:mod:`shine.room.pools`), sized for ``expected`` people until devices join."""
    from shine.i18n import get_language
    from shine.store import StoreError

    folder = Path(notebooks or modules_dir())
    follower = None
    try:
        if agenda:
            workshop_id = _agenda_workshop(agenda)
            if workshop_id is None:
                return 2
            server, follower = start_module_server(workshop_id, port=port, lan=lan, expected=expected,
                                                   notebooks=folder)
        else:
            pools = module_pools(folder, pool, get_language()) if folder.is_dir() else {}
            # Voila starts while its pools are being preheated: on a busy laptop that takes longer.
            server = start(notebooks, port=port, lan=lan, env={PRELOAD_ENV: MODULE_PAGES, **_checked_store()},
                           extra=pool_settings(pools) if pools else None, startup_timeout=120)
    except (OSError, RuntimeError, StoreError) as exc:
        say(str(exc), error=True)
        return 2
    asked = False
    try:
        say(_("Time to Shine is ready. Open this address in a browser:"))
        say(f"\n    {server.url}\n")
        if lan:
            say(_("Anyone on this network can open it. Voila's log: {log}").format(log=server.log_path))
        else:
            say(_("Only this computer can open it (add --lan for the room's network). Voila's log: {log}").format(
                log=server.log_path))
        say(_("Press Ctrl-C to stop."))
        asked = wait_for_stop(server)
    except KeyboardInterrupt:
        asked = True
    finally:
        say(_("Stopping... (participants' work is already saved)"))
        if follower is not None:
            follower.stop()
        code = server.stop()
    say(_("Stopped."))
    return 0 if asked or code in (0, -signal.SIGINT, 130) else code


if __name__ == "__main__":
    voila_main()
