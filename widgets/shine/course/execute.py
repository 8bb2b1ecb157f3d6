"""nbgrader's Execute step, run where participant files cannot reach the trainer.

:class:`SandboxedExecute` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``
(``shine.course.checks.configure``). For each notebook it

- makes a fresh scratch folder holding only the notebook copy and its answer files (the answers
  file, the plan file): files a participant added beside the notebook are not there, so no
  kernel can import them;
- starts the kernel there through :mod:`shine.course.sandbox` (bubblewrap where available) with
  :mod:`shine.course.kernel`'s limits and clean ``sys.path``, talking over Unix sockets;
- keeps what a cell may add to the notebook within ``Limits.output_kb``;
- notes, for the findings, cells stopped for running too long, and removes the scratch folder.

With ``warm=True`` (what ``shine course grade`` uses) the kernel is forked from a warm grading
server instead of started from nothing (:mod:`shine.course.warm`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Any, Bool, Instance, Integer, List, Unicode

from shine.plan.model import PLAN_FILE

from .exercises import ANSWER_FILE
from .sandbox import KERNEL_MODULE, Limits, kernel_command, kernel_env, new_scratch, sandbox_available

MAX_ANSWER_BYTES = 2 * 1024 * 1024
FINDINGS = "shine_findings"  # resources key: what the checks found, for RecordFindings


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the scratch folder, sandboxed, over ``ipc``."""

    scratch = Unicode("")
    limits = Instance(Limits, args=())
    private = List(Unicode())  # folders hidden from the kernel besides the usual ones
    sandboxed = Bool(True)
    launcher = Any(None, allow_none=True)  # a warm grading server (shine.course.warm.WarmServer)

    def format_kernel_cmd(self, extra_arguments=None):
        return kernel_command(Path(self.scratch), self.connection_file, self.limits,
                              private=[Path(p) for p in self.private], sandboxed=self.sandboxed)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.launcher is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        await self.launcher.launch(self, **kw)

    async def _async_signal_kernel(self, signum: int) -> None:
        """An interrupt goes to the kernel itself: signalling bwrap would end the sandbox."""
        if self.launcher is not None:
            self.launcher.signal(self, signum)
            return
        if signum == signal.SIGINT and self.sandboxed:
            for proc in _kernel_processes(self.provisioner):
                try:
                    proc.send_signal(signum)
                except psutil.Error:
                    pass
            return
        await super()._async_signal_kernel(signum)


def _kernel_processes(provisioner) -> list[psutil.Process]:
    pid = getattr(provisioner, "pid", None)
    try:
        procs = psutil.Process(pid).children(recursive=True) if pid else []
    except psutil.Error:
        return []
    found = []
    for proc in procs:
        try:
            if KERNEL_MODULE in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            pass
    return found


class SandboxedExecute(Execute):
    """nbgrader's Execute, in a scratch folder and a sandbox (see the module's description)."""

    limits = Instance(Limits, args=()).tag(config=True)
    sandbox = Bool(True, help="Run the kernel in bubblewrap where it is available.").tag(config=True)
    warm = Bool(False, help="Fork kernels from a warm grading server (one per process).").tag(config=True)
    output_kb = Integer(0, help="Overrides Limits.output_kb when set.").tag(config=True)

    def create_kernel_manager(self):
        km = SandboxKernelManager(kernel_name="python3", config=self.config)
        km.transport = "ipc"
        km.ip = str(self._scratch / "k")
        km.connection_file = str(self._scratch / "kernel.json")
        km.scratch = str(self._scratch)
        km.limits = self.limits
        km.private = [str(p) for p in self._private]
        km.sandboxed = self._sandboxed
        km.launcher = self._server
        self.km = self._km = km
        return km

    async def async_start_new_kernel(self, **kwargs):
        kwargs["cwd"] = str(self._scratch)
        kwargs["env"] = kernel_env(self._scratch)
        kwargs.setdefault("stdout", subprocess.DEVNULL)  # the trainer's terminal shows progress, not kernel logs
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def preprocess(self, nb, resources=None, km=None):
        resources = resources if resources is not None else {}
        meta = resources.setdefault("metadata", {})
        source = Path(meta.get("path") or os.getcwd())
        self._sandboxed = self.sandbox and sandbox_available()
        self._private = _private_folders(source, self)
        self._server = self._km = None
        if self.warm:  # one server per grading process, hiding the whole course folder
            from .warm import server_for

            self._server = server_for(self.limits, self._private[1:] or self._private, self._sandboxed)
        self._scratch = self._server.scratch() if self._server else new_scratch()
        self._timed_out = []
        self._output_bytes = {}
        self._running = None
        try:
            _copy_answers(source, self._scratch, nb)
            meta["path"] = str(self._scratch)
            try:
                nb, resources = super().preprocess(nb, resources, km=km)
            except DeadKernelError:  # killed by a limit (CPU time, memory): what is left scores 0
                _stopped(nb, self._running or 0)
        except Exception as exc:  # the kernel could not start or run: said in plain words, for the history
            _record_failure(self, resources, exc)
            raise
        finally:
            meta["path"] = str(source)
            if self._server is not None and self._km is not None:
                self._server.end(self._km)  # the kernel and anything it started
            shutil.rmtree(self._scratch, ignore_errors=True)
        findings = resources.setdefault(FINDINGS, [])
        if self._timed_out:
            findings.append({"code": "timed-out", "detail": ", ".join(self._timed_out)})
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        self._running = index
        return super().preprocess_cell(cell, resources, index)

    async def _async_handle_timeout(self, timeout, cell=None):
        if cell is not None:
            self._timed_out.append(cell.metadata.get("nbgrader", {}).get("grade_id") or str(cell.get("id", "")))
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        """Outputs beyond the limit are left out, with one line saying so."""
        limit = (self.output_kb or self.limits.output_kb) * 1024
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size <= limit:
            return super().output(outs, msg, display_id, cell_index)
        if used <= limit:
            from nbformat.v4 import new_output

            from shine.i18n import _

            outs.append(new_output("stream", name="stderr",
                                   text=_("(The rest of this cell's output was left out: it was too long.)") + "\n"))
        return None


def _stopped(nb, index: int) -> None:
    """The cell the kernel died in, and every code cell after it, carry an error (so none of them
    earns points it was never checked for)."""
    from nbformat import from_dict

    for n, cell in enumerate(nb.cells):
        if n >= index and cell.cell_type == "code":
            name = "DeadKernelError" if n == index else "NotRun"
            cell.setdefault("outputs", []).append(from_dict({"output_type": "error", "ename": name, "evalue": "",
                                                             "traceback": []}))


def _record_failure(pp, resources: dict, exc: Exception) -> None:
    from shine.i18n import _

    from . import history

    info = resources.get("nbgrader") or {}
    root = next((p for p in _private_folders(Path(os.getcwd()), pp)[1:]), None)
    if root is None or not info.get("student"):
        return
    detail = _("the grading kernel could not run the notebook ({error})").format(error=type(exc).__name__)
    history.record(root, info.get("assignment", ""), info["student"], [{"code": "grading-failed", "detail": detail}])


def _private_folders(source: Path, pp) -> list[Path]:
    """The course folder (gradebook, answer keys, everyone's submissions) and this submission."""
    folders = [source]
    parent = pp
    while parent is not None:
        coursedir = getattr(parent, "coursedir", None)
        if coursedir is not None:
            folders.append(Path(coursedir.root))
            break
        parent = getattr(parent, "parent", None)
    return [f.resolve() for f in folders if f.exists()]


def _copy_answers(source: Path, scratch: Path, nb) -> None:
    """The notebook copy and its answer files; nothing else the participant handed in."""
    import nbformat

    nbformat.write(nb, scratch / "notebook.ipynb")
    for name in (ANSWER_FILE, PLAN_FILE):
        path = source / name
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_ANSWER_BYTES:
            shutil.copyfile(path, scratch / name)
