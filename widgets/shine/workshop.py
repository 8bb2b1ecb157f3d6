"""Starting Voila for a session: the curriculum's notebooks as pages with no code showing.

Voila always runs standalone (as a JupyterLab extension it would let a browser run code), with
tracebacks hidden and idle kernels culled.

Voila's kernel leak (voila#1458): a page opened straight at ``/voila/render/...`` never gets the
``_xsrf`` cookie that its tab-close beacon must send, so the beacon is refused and the kernel
lives on until culled. Every server started here runs Voila through :func:`voila_main`, whose page
handler hands out the cookie with the page, so closing a kiosk tab frees its kernel at once;
culling stays as the safety net for tabs that crash or phones that go to sleep.

``shine workshop`` (:func:`run_workshop`) adds a live session on top: it creates or resumes a
workshop in the store, serves ``facilitator/dashboards`` (kiosk, wall, console) with a pool of
preheated kernels for the kiosk, prints the addresses, a QR code for the kiosk and the
facilitator key, and stops without losing anything (every post is its own committed transaction).
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
from datetime import date
from pathlib import Path

import psutil

from .i18n import _
from .kernels import PROVISIONER_NAME, server_processes
from .store import shine_home
from .ui.live import KIOSK_URL_ENV, WORKSHOP_ENV

CULL_IDLE_S = 600   # a participant reading a page for ten minutes keeps their kernel
CULL_INTERVAL_S = 60
KERNEL_EXIT_S = 10  # after Voila has stopped, how long its kernels get to finish exiting
# Preheated kiosk kernels: the whole room can open the kiosk at once without waiting. Forked
# kernels (shine.kernels) share their imported code, so each costs about 40 MiB of its own.
KIOSK_POOL = 30
# A taken kernel is replaced this long after: while a room is arriving and starting to post, the
# laptop serves its pages first and preheats their replacements after (replacing each 10 s after
# it was taken put the preheating in the middle of a ten-second arrival, measured). Anyone
# arriving while the pool is empty gets a kernel started for their page, a few seconds slower.
FILL_DELAY_S = 30.0
IOPUB_TIMEOUT_S = 60
AGENDA_ID = "regional-meeting"
DASHBOARDS = ("kiosk.ipynb", "wall.ipynb", "console.ipynb")
UNUSED_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab_pygments",
                     "@voila-dashboards/jupyterlab-preview"]
_RUNNING = re.compile(r"Voil[àa] is running at:\s*$")


def repo_root() -> Path:
    """The curriculum folder: the checkout this package lives in, else the current folder."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "modules").is_dir() else Path.cwd()


def dashboards_dir() -> Path:
    return repo_root() / "facilitator" / "dashboards"


def lan_address() -> str:
    """This machine's address on the room's network (no packet leaves the machine)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET address: only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def voila_main(argv: list[str] | None = None) -> None:
    """Run Voila with the page handler setting the ``_xsrf`` cookie (the voila#1458 workaround)."""
    from traitlets.config import Config
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    render = TornadoVoilaHandler.get

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 -- reading it is what makes tornado set the cookie
        return await render(self, path)

    TornadoVoilaHandler.get = get
    share_compiled_templates()
    # Started from a background job, SIGINT arrives ignored; Voila must still stop on it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["voila", *(sys.argv[1:] if argv is None else argv)]
    config = Config()
    config.VoilaConfiguration.page_config_hook = page_config_hook
    Voila.launch_instance(config=config)


def share_compiled_templates() -> None:
    """Compile Voila's page templates once per server, not once per page.

    Voila renders every page (and every preheated kernel's page) with a new nbconvert exporter,
    and each exporter parses and compiles the same Jinja templates again: more than half of the
    server's CPU when a room opens the kiosk at once. Jinja's bytecode cache is made for this;
    here it lives in memory, keyed by template name and source checksum, so an edited template is
    compiled afresh."""
    import jinja2
    from nbconvert.exporters.templateexporter import TemplateExporter

    if getattr(TemplateExporter._create_environment, "shares_compiled_templates", False):
        return

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self):
            self.compiled: dict[str, bytes] = {}

        def load_bytecode(self, bucket):
            code = self.compiled.get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket):
            self.compiled[bucket.key] = bucket.bytecode_to_string()

    cache = MemoryBytecodeCache()
    create = TemplateExporter._create_environment

    def _create_environment(self):
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    _create_environment.shares_compiled_templates = True
    TemplateExporter._create_environment = _create_environment


# What Voila's page loads in place of MathJax: a typesetter that does nothing, inline, so no
# request leaves the page (the default points at a CDN a room without internet cannot reach).
NO_MATHJAX = ("data:text/javascript,window.MathJax={Hub:{Config(){},Configured(){},Queue(){},"
              "Register:{StartupHook(){}}}};//")


def page_config_hook(page_config: dict, *_args, **_kwargs) -> dict:
    """No MathJax on our pages. Nothing here is typeset, yet Voila's default page fetches and
    compiles ~870 KB of MathJax on every page, while it is showing the widgets. Voila takes its
    MathJax 2 loader when given a URL, and the URL given here is the do-nothing typesetter above."""
    page_config["fullMathjaxUrl"] = NO_MATHJAX
    page_config["mathjaxConfig"] = "TeX-AMS_CHTML"
    return page_config


def voila_command(notebooks: Path, *, port: int, lan: bool, extra: list[str] | None = None,
                  cull_idle: int = CULL_IDLE_S, cull_interval: int = CULL_INTERVAL_S) -> list[str]:
    return [
        sys.executable, "-m", "shine.workshop", str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={'0.0.0.0' if lan else '127.0.0.1'}",
        "--show_tracebacks=False",
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
            except subprocess.TimeoutExpired:
                self.process.terminate()
                self.process.wait(5)
            # A kernel Voila has shut down may still be exiting, and one it was starting when
            # asked to stop may not have been told; neither outlives the server.
            _, left = psutil.wait_procs(kernels, timeout=KERNEL_EXIT_S)
            for proc in left:
                with contextlib.suppress(psutil.Error):
                    proc.kill()
            psutil.wait_procs(left, timeout=5)
        return self.process.returncode

    def log_contains(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))


def start(notebooks: Path | None = None, *, port: int = 8866, lan: bool = False, startup_timeout: float = 60,
          extra: list[str] | None = None, env: dict[str, str] | None = None, cull_idle: int = CULL_IDLE_S,
          cull_interval: int = CULL_INTERVAL_S) -> Server:
    notebooks = Path(notebooks or repo_root() / "modules")
    if not notebooks.is_dir():
        raise FileNotFoundError(_("There is no folder of notebooks at {path}.").format(path=notebooks))
    log_dir = shine_home() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "voila.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    command = voila_command(notebooks, port=port, lan=lan, extra=extra, cull_idle=cull_idle,
                            cull_interval=cull_interval)
    proc = subprocess.Popen(command, cwd=notebooks, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1, start_new_session=True)
    server = Server(proc, "", log_path)
    found = threading.Event()

    def pump():  # keep Voila's log in a file; spot the line that says where it listens
        saw_banner = False
        with log_path.open("a", encoding="utf-8") as log:
            for line in proc.stdout:
                log.write(line)
                log.flush()
                server.lines.append(line)
                del server.lines[:-500]  # a long session logs a lot; keep the recent lines
                if saw_banner and not server.url and line.strip().startswith("http"):
                    server.url = line.strip()
                    found.set()
                saw_banner = saw_banner or bool(_RUNNING.search(line.strip()))
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


def _wait_for_stop(server: Server) -> bool:
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


def serve(notebooks: Path | None = None, *, port: int = 8866, lan: bool = False) -> int:
    """Run until Ctrl-C: print the address, then wait."""
    server = start(notebooks, port=port, lan=lan)
    print(_("Time to Shine is ready. Open this address in a browser:"), flush=True)
    print(f"\n    {server.url}\n", flush=True)
    if lan:
        print(_("Anyone on this network can open it. Voila's log: {log}").format(log=server.log_path), flush=True)
    else:
        print(_("Only this computer can open it (add --lan for the room's network). Voila's log: {log}").format(
            log=server.log_path), flush=True)
    print(_("Press Ctrl-C to stop."), flush=True)
    asked = _wait_for_stop(server)
    print(_("Stopping... (participants' work is already saved)"), flush=True)
    code = server.stop()
    print(_("Stopped."), flush=True)
    return 0 if asked or code in (0, -signal.SIGINT, 130) else code


# --- shine workshop ---------------------------------------------------------------------------


def session_setup(agenda_id: str = AGENDA_ID) -> dict:
    """What the session's pages show, copied from the content once per workshop start.

    Kiosk kernels read this from the store instead of loading the curriculum models, which keeps
    each kiosk page's kernel small (see benchmarks/).
    """
    from . import content

    agenda = content.get("agenda", agenda_id)
    cur = content.load()
    tags = [{"id": f"type:{t.id}", "label": t.name, "group": "type"} for t in cur.six_types.types]
    tags += [{"id": f"standard:{s.id}", "label": s.name_2022, "group": "standard"} for s in cur.standards.standards]
    return {
        "agenda_id": agenda.id,
        "agenda_name": agenda.name,
        "segments": [{"id": s.id, "title": s.title, "minutes": s.minutes, "kind": s.kind, "purpose": s.purpose}
                     for s in agenda.segments],
        "tags": tags,
    }


def open_workshop(store, *, name: str | None = None, held_on: date | None = None, new: bool = False,
                  code: str | None = None):
    """``(workshop, resumed)``: the workshop to serve, created when there is none to resume.

    Without ``new``, the newest workshop held that day (with that name, when one is given) is
    resumed, so restarting after a crash or a closed laptop picks up the same session and posts.
    """
    from .store import StoreInputError

    held_on = held_on or date.today()
    if code:
        found = store.workshop_by_code(code)
        if found is None:
            raise StoreInputError(_("There is no workshop with the join code {code}.").format(code=code.upper()))
        return found, True
    if not new:
        found = store.latest_workshop(name=name, held_on=held_on)
        if found is not None:
            return found, True
    setup = session_setup()
    workshop = store.create_workshop(name or setup["agenda_name"], AGENDA_ID, agenda_id=setup["agenda_id"],
                                     held_on=held_on)
    store.set_workshop_setup(workshop.id, setup)
    return store.workshop(workshop.id), False


def dashboard_urls(base: str) -> dict[str, str]:
    base = base.rstrip("/")
    return {name.removesuffix(".ipynb"): f"{base}/voila/render/{name}" for name in DASHBOARDS}


def qr_text(url: str) -> str:
    """The kiosk address as a QR code drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _summary(workshop, urls: dict[str, str], key: str, posts: int, resumed: bool, lan: bool) -> str:
    lines = [""]
    if resumed:
        lines.append(_("Resumed workshop “{name}” ({date}); {n} posts so far, all kept.").format(
            name=workshop.name, date=workshop.held_on, n=posts))
    else:
        lines.append(_("New workshop “{name}” ({date}).").format(name=workshop.name, date=workshop.held_on))
    lines += [
        _("Join code for participants: {code}").format(code=workshop.code), "",
        _("Kiosk (phones, tablets, kiosks): {url}").format(url=urls["kiosk"]),
        _("Live wall (the projector):       {url}").format(url=urls["wall"]),
        _("Facilitator console:             {url}").format(url=urls["console"]), "",
        _("Facilitator key (the console asks for it; a new one is issued at every start): {key}").format(key=key),
        "",
    ]
    if not lan:
        lines.append(_("Only this computer can open these pages; add --lan for the room's network."))
    lines.append(_("Scan this code with a phone to open the kiosk (the wall shows it too):"))
    return "\n".join(lines)


def run_workshop(*, name: str | None = None, held_on: date | None = None, new: bool = False, code: str | None = None,
                 port: int = 8866, lan: bool = False, kiosk_pool: int = KIOSK_POOL, qr: bool = True,
                 dashboards: Path | None = None) -> int:
    """``shine workshop``: serve a live session until Ctrl-C."""
    from .store import Store, StoreError, new_facilitator_key

    try:
        with Store() as store:
            workshop, resumed = open_workshop(store, name=name, held_on=held_on, new=new, code=code)
            if workshop.setup is None:  # a workshop created by another tool: give it its agenda and tags
                store.set_workshop_setup(workshop.id, session_setup(workshop.agenda_id or AGENDA_ID))
            key = new_facilitator_key()
            store.set_facilitator_key(workshop.id, key)
            posts = store.count_posts(workshop.id)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not port_is_free(port, lan):
        print(_("Port {port} is already in use (is another workshop running?). Stop it, or choose another "
                "port with --port.").format(port=port), file=sys.stderr)
        return 2
    folder = Path(dashboards or dashboards_dir())
    env = {WORKSHOP_ENV: str(workshop.id)}
    # The kiosk address is known only once Voila says where it listens; the wall shows it as a
    # QR code, so it is worked out from the port and passed in before starting.
    host = lan_address() if lan else "127.0.0.1"
    env[KIOSK_URL_ENV] = f"http://{host}:{port}/voila/render/kiosk.ipynb"
    server = start(folder, port=port, lan=lan, env=env, extra=pool_settings({"kiosk.ipynb": kiosk_pool}))
    urls = dashboard_urls(server.url)
    print(_("Time to Shine workshop is ready."), flush=True)
    print(_summary(workshop, urls, key, posts, resumed, lan), flush=True)
    if qr:
        print(qr_text(urls["kiosk"]), flush=True)
    print(_("Voila's log: {log}").format(log=server.log_path), flush=True)
    print(_("Press Ctrl-C to stop; every post is saved the moment it is made."), flush=True)
    asked = _wait_for_stop(server)
    print(_("Stopping..."), flush=True)
    exit_code = server.stop()
    with Store() as store:
        store.checkpoint()
        total = store.count_posts(workshop.id)
    print(_("Stopped. {n} posts are saved in workshop {code}; `shine workshop` resumes it.").format(
        n=total, code=workshop.code), flush=True)
    return 0 if asked or exit_code in (0, -signal.SIGINT, 130) else exit_code


if __name__ == "__main__":
    voila_main()
