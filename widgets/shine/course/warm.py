"""Warm grading kernels: one server per grading process, inside the sandbox, forks a kernel per
notebook.

A grading kernel started from nothing imports ipykernel, IPython, ipywidgets and the exercises,
and reads the curriculum, before the first cell runs: most of the time a notebook takes to
grade. The warm server (``python -I -m shine.course.warm --cpu .. --memory .. --files ..``, started through
:func:`shine.course.sandbox.kernel_command`, so it is inside the same sandbox as a cold kernel)
does that once; each notebook's kernel is then a fork of it, the technique of the workshop's fork
server (``shine.room.kernels``), written here for grading.

It is safe for grading because what is forked never ran a kernel nor a participant's anything:
the server only imports and reads the curriculum. Each kernel is a process of its own, in its own
session, with its own limits (CPU seconds count from its start), in its own scratch folder under
the server's, and only released cells run in it; when its notebook is done, it and anything it
started are ended (the whole process group) and its scratch folder is removed.

The grader talks to the server over its standard input and output, one JSON object a line:
``{"op": "start", "cwd", "connection_file"}`` -> ``{"pid"}``; ``{"op": "poll", "pid"}`` ->
``{"exit"}``; ``{"op": "signal", "pid", "signal"}``; ``{"op": "end", "pid"}``. The server exits
when its input closes (the grading process ended), taking its kernels with it.
"""

from __future__ import annotations

import json
import multiprocessing.util
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .sandbox import Limits, kernel_command, kernel_env, new_scratch

PRELOAD = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipywidgets",
           "shine.course.exercises", "shine.course.widgets", "shine.plan.rules", "shine.plan.model"]


# --- inside the sandbox --------------------------------------------------------------------------


def _warm_up() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    from shine import content
    from shine.i18n import available_languages, language

    from . import exercises as ex

    for lang in available_languages():  # the curriculum and each language's catalogue, read once
        with language(lang):
            for a in content.items("assignment"):
                for item in a.items:
                    ex.prompt(item)
                    for q in ex.questions(item):
                        ex.options(a.id, q)


def _child(request: dict, cpu: int, memory: int, files: int, protocol: int) -> None:
    from shine import upstream

    from .kernel import KERNEL_ARGS, clean_path, limit

    os.setsid()
    os.close(protocol)  # the server's answers are not the kernel's to write
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.chdir(request["cwd"])
    os.environ.update(HOME=request["cwd"], IPYTHONDIR=os.path.join(request["cwd"], ".ipython"),
                      JUPYTER_RUNTIME_DIR=os.path.join(request["cwd"], ".runtime"))
    limit(cpu, memory, files)
    clean_path()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["ipykernel_launcher", "-f", request["connection_file"], *KERNEL_ARGS]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance(parent_handle=os.getppid())
    app.initialize(sys.argv[1:])
    upstream.register_widget_comms()
    app.start()


def serve(cpu: int, memory: int, files: int) -> None:
    """The server's loop (``python -I -m shine.course.warm``)."""
    _warm_up()
    children: dict[int, int | None] = {}
    out = os.fdopen(os.dup(1), "w")
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()

    def reap():
        for pid, code in list(children.items()):
            if code is None:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done, status = pid, 0
                if done:
                    children[pid] = os.waitstatus_to_exitcode(status)

    for line in sys.stdin:
        request = json.loads(line)
        op, reply = request.get("op"), {}
        if op == "start":
            pid = os.fork()
            if pid == 0:
                try:
                    _child(request, cpu, memory, files, out.fileno())
                finally:
                    os._exit(1)
            children[pid] = None
            reply = {"pid": pid}
        elif op in ("poll", "signal", "end"):
            pid = int(request["pid"])
            reap()
            if op == "signal" and children.get(pid, 0) is None:
                try:
                    os.kill(pid, int(request["signal"]))
                except ProcessLookupError:
                    pass
            if op == "end":
                try:
                    os.killpg(pid, signal.SIGKILL)  # the kernel and anything it started
                except (ProcessLookupError, PermissionError):
                    pass
                if children.get(pid, 0) is None:
                    os.waitpid(pid, 0)
                children.pop(pid, None)
            reply = {"exit": children.get(pid)}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# --- the grader's side ---------------------------------------------------------------------------


class WarmKernel:
    """The part of :class:`subprocess.Popen` that jupyter_client's provisioner uses, for a kernel
    forked by the warm server."""

    def __init__(self, server: "WarmServer", pid: int):
        self.server, self.pid = server, pid
        self.stdout = self.stderr = self.stdin = None
        self.returncode = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.ask({"op": "poll", "pid": self.pid}).get("exit")
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("warm kernel", timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        self.server.ask({"op": "signal", "pid": self.pid, "signal": int(signum)})

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WarmServer:
    def __init__(self, limits: Limits, private: list[Path], sandboxed: bool):
        self.root = new_scratch()
        self._lock = threading.Lock()
        command = kernel_command(self.root, "", limits, private=private, sandboxed=sandboxed, serve=True)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=self.root, env=kernel_env(self.root),
                                        text=True, start_new_session=True)
        # closed when this process ends, a grading worker included (os._exit skips atexit there)
        multiprocessing.util.Finalize(self, self.close, exitpriority=10)
        first = self.process.stdout.readline()
        if not first:
            raise RuntimeError("the warm grading server did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: dict) -> dict:
        with self._lock:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the warm grading server stopped")
        return json.loads(line)

    def scratch(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="n", dir=self.root))

    async def launch(self, km, **_kw) -> None:
        from shine import upstream

        pid = self.ask({"op": "start", "cwd": km.scratch, "connection_file": km.connection_file})["pid"]
        upstream.adopt_forked_kernel(km.provisioner, WarmKernel(self, pid), km.scratch)
        km._reconcile_connection_info(km.provisioner.connection_info)

    def signal(self, km, signum: int) -> None:
        process = getattr(km.provisioner, "process", None)
        if process is not None:
            process.send_signal(signum)

    def end(self, km) -> None:
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if isinstance(process, WarmKernel) and self.alive():
            self.ask({"op": "end", "pid": process.pid})

    def close(self) -> None:
        if self.alive() and not self.process.stdin.closed:
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        import shutil

        shutil.rmtree(self.root, ignore_errors=True)


_servers: dict[tuple, WarmServer] = {}


def server_for(limits: Limits, private: list[Path], sandboxed: bool) -> WarmServer:
    """This process's warm server for these settings (started on first use, restarted if it died)."""
    key = (os.getpid(), limits, tuple(str(p) for p in private), sandboxed)
    server = _servers.get(key)
    if server is None or not server.alive():
        server = _servers[key] = WarmServer(limits, private, sandboxed)
    return server


def close_all() -> None:
    for key in [k for k in _servers if k[0] == os.getpid()]:
        _servers.pop(key).close()


def main(argv: list[str] | None = None) -> None:
    from .kernel import clean_path, parser

    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    clean_path()
    serve(args.cpu, args.memory, args.files)


if __name__ == "__main__":
    main()
