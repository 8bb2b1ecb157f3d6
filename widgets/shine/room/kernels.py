"""Kernels forked from a warm process, so a room of phones can open the kiosk at once.

A Python kernel normally starts from nothing: a new interpreter imports ipykernel, IPython, zmq,
ipywidgets and the store before the page's first cell runs (about 1.5 CPU-seconds on a 2-core
laptop, most of it imports). Thirty phones opening the kiosk within ten seconds would need more
CPU than such a laptop has in that time. :class:`ForkProvisioner` instead starts each kernel as
a fork of one process that imported all of that once (the standard library's
``multiprocessing`` fork server), so a kernel costs only its own set-up, and the forked
kernels share the imported code's memory until they write to it.

Voila (and any Jupyter server) uses it with
``--KernelProvisionerFactory.default_provisioner_name=shine-fork``; :mod:`shine.room.server` sets
that for every server it starts. A kernel command that is not this interpreter's own
``ipykernel_launcher`` is launched the ordinary way.

What is forked never ran a kernel: the fork server only imports modules (no threads, no zmq
context), and each child sets its own environment and folder, starts its own session (so an
interrupt reaches just that kernel), and exits when the fork server goes away (Voila stopped).
As ``multiprocessing`` does for every child, each kernel first imports the server's main module
under another name; for the servers started here that is :mod:`shine.room.server`, which only
defines things. A server whose main module does work at import should not use this provisioner.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
import threading
from typing import Any

import psutil
from jupyter_client.provisioning import LocalProvisioner

from shine import upstream

PROVISIONER_NAME = "shine-fork"
# Imported once in the fork server: the kernel machinery and what the live pages need. Modules a
# kernel only needs later (charts, pandas) are imported by that kernel as usual.
PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipywidgets",
           "shine.i18n", "shine.store", "shine.room.widgets.kiosk",
           "websockets.sync.client",  # a preheated kiosk waits for its page's ?lang= with it
           "shine.room.frozen"]  # last: what was imported stays shared with every kernel
# A server of module pages (``shine serve``) also preloads what those pages need: matplotlib, the
# lessons' widgets, the plan builder, the curriculum in every language and the charts that are the
# same for everyone (shine.lessons.preload). A module page's kernel then runs its cells without
# importing or loading anything (module 4: 3.0 -> 0.3 s, measured in benchmarks/modules.py). The
# kiosk's server keeps the short list: its fork server stays small.
MODULE_PRELOAD = [*PRELOAD[:-1], "shine.plan.widgets.builder", "shine.lessons.preload", PRELOAD[-1]]
PRELOAD_ENV = "SHINE_FORK_PRELOAD"  # in the server's environment: "modules" for MODULE_PRELOAD
MODULE_PAGES = "modules"
FORKSERVER_MARK = "multiprocessing.forkserver"

_context_lock = threading.Lock()
_context = None


def preload() -> list[str]:
    """What this server's fork server imports: :data:`MODULE_PRELOAD` when the server was started
    for module pages (``SHINE_FORK_PRELOAD=modules``), else :data:`PRELOAD`."""
    return MODULE_PRELOAD if os.environ.get(PRELOAD_ENV) == MODULE_PAGES else PRELOAD


def _fork_context():
    """The fork-server context, preloaded once per server process."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(preload())
            _context = context
        return _context


def run_kernel(argv: list[str], env: dict[str, str], cwd: str) -> None:
    """The forked child: become the kernel that ``python -m ipykernel_launcher argv`` would be."""
    os.setsid()  # its own session and process group, as jupyter_client gives a launched kernel
    upstream.release_forkserver_pipe()  # a killed server must not leave this kernel behind
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel.kernelapp import IPKernelApp

    # The parent that matters is the fork server: when it goes (Voila stopped), the kernel goes.
    app = IPKernelApp.instance(parent_handle=os.getppid())
    app.initialize(argv)
    upstream.register_widget_comms()
    app.start()


class ForkedKernel:
    """The part of :class:`subprocess.Popen` that :class:`LocalProvisioner` uses, for a fork."""

    def __init__(self, process: multiprocessing.process.BaseProcess):
        self._process = process
        self.pid = process.pid
        self.stdout = self.stderr = self.stdin = None

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        self._process.join(timeout)
        return self._process.exitcode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def forkable(cmd: list[str]) -> bool:
    """True for this interpreter's own ``-m ipykernel_launcher`` command."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    try:
        return os.path.samefile(cmd[0], sys.executable)
    except OSError:
        return False


class ForkProvisioner(LocalProvisioner):
    """:class:`LocalProvisioner` whose kernels are forked from the warm fork server."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if not forkable(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        # Plain strings, as a launched process would see them: Voila's keys are enum members, and
        # unpickling those in the child would import all of Voila into every kernel.
        env = {os.fsdecode(os.fsencode(k)): os.fsdecode(os.fsencode(v))
               for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        upstream.check_fork_patches()
        context = _fork_context()
        process = context.Process(target=run_kernel, args=(cmd[3:], env, cwd), daemon=True,
                                  name="shine-kernel")
        # The first start launches the fork server (it imports PRELOAD): not on the event loop.
        await asyncio.get_running_loop().run_in_executor(None, process.start)
        upstream.adopt_forked_kernel(self, ForkedKernel(process), cwd)
        return self.connection_info


def server_processes(server_pid: int) -> list[psutil.Process]:
    """Every process under a server (kernels, the fork server); none once the server is gone."""
    try:
        return psutil.Process(server_pid).children(recursive=True)
    except psutil.Error:
        return []


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    """The kernels under a Jupyter or Voila server: launched ones and forked ones."""
    found = []
    for proc in server_processes(server_pid):
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            command = " ".join(proc.cmdline())
            if "ipykernel_launcher" in command:
                found.append(proc)
            elif FORKSERVER_MARK in command and FORKSERVER_MARK in " ".join(proc.parent().cmdline()):
                found.append(proc)  # a child of the fork server
        except psutil.Error:
            pass  # it exited while we looked
    return found
