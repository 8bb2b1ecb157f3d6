"""Every place where Time to Shine reaches into another project's internals, in one module.

Each function below changes or relies on something that project does not promise to keep: a
handler's method, a private attribute, the keys of a page's configuration. Each says why it is
needed, names the upstream issue where there is one, and first calls :func:`require`, which
stops with a plain message when the installed version is outside the range the patch was tested
with. A new Voila, nbconvert, jupyter_client, ipywidgets or Python is then checked against the
patch (and ``TESTED`` widened) before anyone relies on it, instead of failing in the middle of a
workshop. ``requirements/lock.txt`` holds the versions the tests passed with.

Nothing here is imported on a page's start-up path: the patched projects are imported inside
the functions.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Callable

from shine.i18n import _

# The versions each patch was written and tested against: the same ranges as pyproject.toml (a
# test keeps them equal). Widen a range only after the tests (tests/test_upstream.py and the
# Voila and kernel tests) pass with the new version.
TESTED = {
    "voila": ">=0.5.8,<0.6",
    "nbconvert": ">=7.17,<8",
    "jupyter_client": ">=8.10,<9",
    "ipykernel": ">=6.29,<8",
    "ipywidgets": ">=8.1,<9",
    "python": ">=3.11,<3.14",
}


class UntestedVersionError(RuntimeError):
    """An installed project is newer (or older) than a patch here was tested with."""


def installed_version(project: str) -> str:
    """The running version: the interpreter's, an imported package's own ``__version__``, else
    the installed distribution's (without importing the package into this process)."""
    if project == "python":
        return ".".join(map(str, sys.version_info[:3]))
    if project in sys.modules:
        return sys.modules[project].__version__
    from importlib import metadata

    return metadata.version(project)


@functools.cache
def tested(project: str) -> bool:
    from packaging.specifiers import SpecifierSet

    return SpecifierSet(TESTED[project], prereleases=True).contains(installed_version(project))


def require(project: str, patch: str) -> None:
    """Stop unless ``project``'s installed version is one ``patch`` was tested with."""
    if not tested(project):
        version = installed_version(project)
        raise UntestedVersionError(_(
            "{project} {version} is installed, but Time to Shine's patch for {patch} was tested with "
            "{project} {tested}. Install the tested versions (pip install -c requirements/lock.txt -e .), "
            "or check the patch in shine/upstream.py against {project} {version} and widen TESTED there."
        ).format(project=project, version=version, patch=patch, tested=TESTED[project]))


# --- Voila --------------------------------------------------------------------------------------


def voila_sets_xsrf_cookie() -> None:
    """Voila's page handler hands out the ``_xsrf`` cookie with the page.

    voila#1458 (open): a page opened straight at ``/voila/render/...`` never gets the cookie that
    its tab-close beacon must send, so the beacon is refused and the kernel lives on until culled.
    """
    require("voila", "voila#1458 (the tab-close beacon)")
    from voila.tornado.handler import TornadoVoilaHandler

    if getattr(TornadoVoilaHandler.get, "sets_xsrf_cookie", False):
        return
    render = TornadoVoilaHandler.get

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 -- reading it is what makes tornado set the cookie
        return await render(self, path)

    get.sets_xsrf_cookie = True
    TornadoVoilaHandler.get = get


CLIENT_HEADER = "X-Shine-Client"  # the browser's address, as the server saw it
DEVICE_HEADER = "X-Shine-Device"  # the browser's device cookie (one "me too" per device and school)
DEVICE_COOKIE = "shine_device"
_DEVICE = re.compile(r"[A-Za-z0-9_-]{22}")


def voila_tells_pages_who_asked(hide_listings: bool = False) -> None:
    """Voila's page handler passes the browser's address and a device cookie to the page's kernel.

    No upstream issue: Voila hands a kernel only the headers named in
    ``VoilaConfiguration.http_header_envs`` (as ``HTTP_...`` variables, preheated kernels
    included). Here the handler sets two headers of ours on the request before Voila reads them,
    overwriting whatever a browser sent under those names: ``X-Shine-Client`` (the address the
    connection came from) and ``X-Shine-Device`` (a random id kept in an HTTP-only cookie for two
    days, given to a browser that has none). ``voila_main`` names both in ``http_header_envs``.

    ``hide_listings``: the folder listing (``/``, ``/voila/tree``) and Voila's contents API
    (``/voila/api/contents``, names and sizes of every file) answer 404, so a room is not shown
    what the server holds; every page is still opened by its address."""
    require("voila", "the page's client address and device cookie (handler internals)")
    import secrets

    from tornado.web import HTTPError
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    if not getattr(TornadoVoilaHandler.get, "tells_who_asked", False):
        render = TornadoVoilaHandler.get

        async def get(self, path=None):
            device = self.get_cookie(DEVICE_COOKIE) or ""
            if not _DEVICE.fullmatch(device):
                device = secrets.token_urlsafe(16)  # 22 characters
                self.set_cookie(DEVICE_COOKIE, device, expires_days=2, httponly=True, samesite="Strict")
            self.request.headers[DEVICE_HEADER] = device
            self.request.headers[CLIENT_HEADER] = self.request.remote_ip or ""
            return await render(self, path)

        get.tells_who_asked = True
        TornadoVoilaHandler.get = get
    if hide_listings:
        def not_listed(self, *_args, **_kwargs):
            raise HTTPError(404)

        TornadoVoilaTreeHandler.get = not_listed
        VoilaContentsHandler.get = not_listed


def voila_preheats_plain_requests(reads_request: tuple[str, ...] = ()) -> None:
    """A page whose address carries a query (``?lang=es``, ``?keep=<token>``) gets a kernel started
    for it, not a preheated page, unless the notebook reads its request itself.

    No upstream issue: Voila hands out a preheated kernel's page whatever the address asks, but that
    page was built before the request, without its ``QUERY_STRING``; a module page would then show
    the wrong language and lose the draft its ``?keep=`` brings back. Notebooks named in
    ``reads_request`` (the kiosk: it waits for the request, :func:`voila_request_info`) keep their
    pool for any address. Hooks ``VoilaHandler.should_use_rendered_notebook``."""
    require("voila", "preheated pages only for plain addresses (VoilaHandler.should_use_rendered_notebook)")
    from voila.handler import VoilaHandler

    current = VoilaHandler.should_use_rendered_notebook
    if getattr(current, "plain_requests_only", None) is not None:
        current.plain_requests_only.update(reads_request)
        return
    aware = set(reads_request)

    def should_use_rendered_notebook(self, notebook_data, pool_size, template_name, theme, request_args):
        if request_args and self.request.path.rsplit("/", 1)[-1] not in aware:
            return False
        return current(self, notebook_data, pool_size, template_name, theme, request_args)

    should_use_rendered_notebook.plain_requests_only = aware
    VoilaHandler.should_use_rendered_notebook = should_use_rendered_notebook


# What Voila's page loads in place of MathJax: a typesetter that does nothing, inline, so no
# request leaves the page (the default points at a CDN a room without internet cannot reach).
NO_MATHJAX = ("data:text/javascript,window.MathJax={Hub:{Config(){},Configured(){},Queue(){},"
              "Register:{StartupHook(){}}}};//")


def no_mathjax_page_config(page_config: dict, *_args, **_kwargs) -> dict:
    """A ``VoilaConfiguration.page_config_hook``: no MathJax on our pages.

    No upstream issue: the hook is public, but the keys are the page's internal configuration.
    Nothing here is typeset, yet Voila's default page fetches and compiles ~870 KB of MathJax on
    every page, from a CDN, while it is showing the widgets. Voila takes its MathJax 2 loader when
    given a URL, and the URL given here is the do-nothing typesetter above."""
    require("voila", "pages without MathJax (page_config keys)")
    page_config["fullMathjaxUrl"] = NO_MATHJAX
    page_config["mathjaxConfig"] = "TeX-AMS_CHTML"
    return page_config


def voila_request_info(timeout: float | None = None) -> dict[str, str]:
    """In a preheated Voila kernel, wait for the page request it was kept for and return its
    details (``QUERY_STRING``, ...); ``{}`` in a kernel that was not preheated or on failure.

    Voila's own ``voila.utils.wait_for_request`` does this, but importing ``voila.utils`` pulls in
    the Jupyter server (4 s of CPU in each kiosk kernel, measured). This is the same protocol
    (Voila 0.5: one JSON message on ``<server>/voila/query/<kernel id>``) with only ``websockets``.
    """
    if os.environ.get("VOILA_PREHEAT", "False") == "False" or not os.environ.get("VOILA_KERNEL_ID"):
        return {}
    require("voila", "the preheated kernel's request details")
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    base = os.environ.get("VOILA_WS_BASE_URL") or os.environ.get("VOILA_SERVER_URL") or "/"
    url = "{proto}://{ip}:{port}{base}voila/query/{kernel}".format(
        proto=os.environ.get("VOILA_WS_PROTOCOL", "ws"), ip=os.environ.get("VOILA_APP_IP", "127.0.0.1"),
        port=os.environ.get("VOILA_APP_PORT", "8866"), base=base, kernel=os.environ["VOILA_KERNEL_ID"])
    try:
        with connect(url, open_timeout=10) as ws:
            info = json.loads(ws.recv(timeout=timeout))
    except (OSError, TimeoutError, ValueError, WebSocketException) as exc:
        logging.getLogger("shine").info("no request details from Voila (%s)", exc)
        return {}
    return {str(k): str(v) for k, v in info.items()} if isinstance(info, dict) else {}


def voila_pools_hand_out_ready_kernels_only() -> None:
    """A page asked for while its pool has no kernel ready gets a kernel started for it at once.

    No upstream issue filed: Voila counts every task in a pool as a kernel, including the
    replacements it queued to start ``fill_delay`` seconds after a page took a kernel; once the
    ready ones are taken, the next page is handed the first queued replacement and waits out
    its delay (30 s with ``shine workshop``'s pools, measured in benchmarks/burst.py). Here a pool
    counts only its ready kernels, and hands out a ready one first. Wraps
    ``voila.app.voila_kernel_manager_factory``'s class (``get_pool_size``, ``get_rendered_notebook``)."""
    require("voila", "pools hand out only ready kernels (VoilaKernelManager.get_pool_size)")
    import voila.app as app

    factory = app.voila_kernel_manager_factory
    if getattr(factory, "ready_kernels_only", False):
        return

    def ready(pool) -> list:
        return [t for t in pool if t.done() and not t.cancelled() and t.exception() is None]

    def wrapped(*args, **kwargs):
        cls = factory(*args, **kwargs)
        if not hasattr(cls, "fill_if_needed"):  # no preheating: nothing to change
            return cls
        handed_out = cls.get_rendered_notebook

        def get_pool_size(self, notebook_name: str) -> int:
            return len(ready(self._pools.get(notebook_name, [])))

        async def get_rendered_notebook(self, notebook_name: str, *a, **kw):
            pool = self._pools.get(notebook_name, [])
            first = ready(pool)[:1]
            for task in first:  # to the front: Voila hands out the first task in the pool
                pool.remove(task)
                pool.insert(0, task)
            return await handed_out(self, notebook_name, *a, **kw)

        cls.get_pool_size = get_pool_size
        cls.get_rendered_notebook = get_rendered_notebook
        return cls

    wrapped.ready_kernels_only = True
    app.voila_kernel_manager_factory = wrapped


def voila_pools_follow(plan_file: Path, status_file: Path, *, every_s: float = 1.0, step: int = 4) -> None:
    """Voila's pools resized while it runs, as ``plan_file`` says (``{"pools": {notebook: size}}``,
    from :class:`shine.room.pools.PoolFollower`); what they hold goes to ``status_file``.

    No upstream issue: Voila reads ``kernel_pools_config`` only when it fills a pool, and cannot
    release one. A pool grows by at most ``step`` kernels starting at once (pages in use stay
    fast); it shrinks by dropping replacements still waiting out the fill delay, then by shutting
    down idle preheated kernels (one still starting goes on a later pass). Hooks ``Voila.listen``."""
    require("voila", "pools resized while running (VoilaKernelManager._pools, kernel_pools_config)")
    import asyncio

    from tornado.ioloop import PeriodicCallback
    from voila.app import Voila
    seen = {"mtime": None, "plan": {}, "status": None}

    def read_plan() -> dict[str, int]:
        try:
            mtime = os.stat(plan_file).st_mtime_ns
            if mtime != seen["mtime"]:
                data = json.loads(Path(plan_file).read_text(encoding="utf-8"))
                seen["plan"] = {str(k): max(0, int(v)) for k, v in dict(data["pools"]).items()}
                seen["mtime"] = mtime
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no plan yet, or half a file: keep the last one
        return seen["plan"]

    def delayed(task) -> bool:  # a replacement still waiting out Voila's fill delay (wait_before's sleep)
        awaiting = getattr(task.get_coro(), "cr_await", None)
        return not task.done() and getattr(getattr(awaiting, "cr_code", None), "co_name", "") == "sleep"

    async def apply(manager) -> None:
        plan = read_plan()
        config = dict(manager.kernel_pools_config)
        status = {}
        for name, target in plan.items():
            pool = manager._pools.setdefault(name, [])
            ready = [t for t in pool if t.done() and not t.cancelled() and t.exception() is None]
            warming = sum(1 for t in pool if not t.done())
            if len(pool) > target:
                config[name] = {**config.get(name, {}), "pool_size": target}
                for task in [t for t in pool if delayed(t)][:len(pool) - target]:  # no kernel yet: dropped
                    pool.remove(task)
                    task.cancel()
                    task.get_coro().cr_frame.f_locals["aw"].close()  # the start it would have awaited
                for task in ready[max(0, len(ready) - (len(pool) - target)):] if len(pool) > target else ():
                    await manager.shutdown_kernel(task.result()["kernel_id"])  # also takes it off the pool
            elif len(pool) < target and warming < step:
                config[name] = {**config.get(name, {}), "pool_size": min(target, len(pool) + step - warming)}
                manager.kernel_pools_config = config
                manager.fill_if_needed(delay=0, notebook_name=name)
            elif len(pool) == target:
                config[name] = {**config.get(name, {}), "pool_size": target}
            pool = manager._pools.get(name, [])
            status[name] = {"target": target, "warming": sum(1 for t in pool if not t.done()),
                            "ready": sum(1 for t in pool if t.done() and not t.cancelled() and t.exception() is None)}
        manager.kernel_pools_config = config
        if status != seen["status"] or int(asyncio.get_running_loop().time()) % 5 == 0:
            seen["status"] = status
            tmp = Path(status_file).with_name(f".{Path(status_file).name}.tmp")
            try:
                tmp.write_text(json.dumps({"pools": status, "written_at": time.time()}), encoding="utf-8")
                os.replace(tmp, status_file)
            except OSError:
                pass  # a full disk: the console shows the status as old

    busy = asyncio.Lock()

    async def tick(manager) -> None:
        if not busy.locked():
            async with busy:
                try:
                    await apply(manager)
                except Exception:  # noqa: BLE001 -- the pools stay as they are; pages are served all the same
                    manager.log.warning("Could not resize the pools", exc_info=True)

    current = Voila.listen

    def listen(self):
        PeriodicCallback(lambda: asyncio.ensure_future(tick(self.kernel_manager)), every_s * 1000).start()
        return current(self)

    Voila.listen = listen


# --- nbconvert ----------------------------------------------------------------------------------


def share_compiled_templates() -> None:
    """Compile Voila's page templates once per server, not once per page.

    No upstream issue filed: Voila renders every page (and every preheated kernel's page) with a
    new nbconvert exporter, and each exporter parses and compiles the same Jinja templates again,
    more than half of the server's CPU when a room opens the kiosk at once. Jinja's bytecode cache
    is made for this; here it lives in memory, keyed by template name and source checksum, so an
    edited template is compiled afresh. It hooks ``TemplateExporter._create_environment``."""
    require("nbconvert", "compiling Voila's templates once (TemplateExporter._create_environment)")
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


# --- jupyter_client and CPython: kernels forked from a warm process (shine.room.kernels) -------


def kernel_ports_outside_ephemeral_range(low: int = 10000) -> None:
    """Kernels' ports are taken from ``low`` up to the system's ephemeral range, never inside it.

    jupyter_client#487 (open): a kernel's ports are found by binding to port 0 and closing; the
    kernel binds them later, and in between an outgoing connection may take one as its source
    port: with 100 phones connected, two kiosk kernels died with "Address already in use"
    (benchmarks/burst.py). Replaces ``LocalPortCache.find_available_port``."""
    require("jupyter_client", "kernel ports outside the ephemeral range (jupyter_client#487)")
    import random
    import socket

    from jupyter_client.connect import LocalPortCache

    try:  # elsewhere than Linux, Linux's default is as safe
        high = int(open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii").read().split()[0])  # noqa: SIM115
    except (OSError, ValueError, IndexError):
        high = 32768
    if high - low < 1000:
        return

    def find_available_port(self, ip: str) -> int:
        for _attempt in range(200):
            port = random.randrange(low, high)
            if port in self.currently_used_ports:
                continue
            with socket.socket() as probe:
                try:
                    probe.bind((ip, port))
                except OSError:
                    continue  # something listens there
            self.currently_used_ports.add(port)
            return port
        return find_available_port.upstream(self, ip)

    if not hasattr(LocalPortCache.find_available_port, "upstream"):
        find_available_port.upstream = LocalPortCache.find_available_port
        LocalPortCache.find_available_port = find_available_port


def adopt_forked_kernel(provisioner, process, cwd: str) -> None:
    """Make a ``LocalProvisioner`` manage a forked kernel as if it had launched it.

    No upstream issue: ``LocalProvisioner`` keeps its kernel in the attributes ``process``,
    ``pid``, ``pgid`` and ``cwd``, which its ``poll``/``wait``/``send_signal``/``kill`` use;
    ``process`` needs only the part of :class:`subprocess.Popen` that they call."""
    provisioner.process = process
    provisioner.pid = process.pid
    provisioner.pgid = None  # the child calls setsid itself; signal the process, not a group
    provisioner.cwd = cwd


def check_fork_patches() -> None:
    """In the server, before it forks a kernel: the versions the child's patches below rely on
    (checked here, once, so that a kernel's start-up does not pay for it). The child also starts
    ipykernel's ``IPKernelApp`` itself, as ``ipykernel_launcher`` would."""
    for project in ("python", "jupyter_client", "ipykernel", "ipywidgets"):
        require(project, "forked kernels (multiprocessing.forkserver, LocalProvisioner, IPKernelApp, "
                         "register_comm_target)")


def release_forkserver_pipe() -> None:
    """In a child of the fork server: let go of the fork server's "still needed" pipe.

    CPython internals (``multiprocessing.forkserver._forkserver._forkserver_alive_fd``; no public
    way to close it): multiprocessing hands every child that pipe, and the fork server stays up
    while any holder lives. A kernel never starts processes through it, so it lets go; otherwise
    a server that died without shutting its kernels down (killed, crashed) would leave the fork
    server and those kernels waiting for each other for ever."""
    import os
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None


def register_widget_comms() -> None:
    """ipywidgets registers its comm targets when it is imported inside a kernel; a forked kernel
    imported it before the kernel existed, so register them now (``ipywidgets.register_comm_target``,
    not in ipywidgets' documented API)."""
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"].register_comm_target()


# --- ipywidgets: print mode (shine.kit.printing) -------------------------------------------------


def render_widgets_with(to_html: Callable[[object], str]) -> None:
    """From now on, every widget displayed in this kernel shows ``to_html(widget)`` as static HTML.

    No upstream issue: it replaces ``ipywidgets.Widget._repr_mimebundle_`` (what a displayed
    widget sends to the front end) for the kernel that executes a module for a handout."""
    require("ipywidgets", "printing widgets (Widget._repr_mimebundle_)")
    import ipywidgets

    def _repr_mimebundle_(self, **_kwargs):
        return {"text/html": f'<div class="shine-print">{to_html(self)}</div>', "text/plain": ""}

    ipywidgets.Widget._repr_mimebundle_ = _repr_mimebundle_


def choice_labels(widget) -> list[str]:
    """The labels a menu shows, in order (``_options_full`` is ipywidgets' private list of
    ``(label, value)`` pairs; ``options`` may hold values only)."""
    return [label for label, _value in getattr(widget, "_options_full", [])] or [str(o) for o in widget.options]
