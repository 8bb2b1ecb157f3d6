"""Where a participant's notebook runs while it is graded: a scratch folder holding only the
notebook copy and its answer files, and, where the platform has one, a sandbox around the kernel.

The sandbox is bubblewrap (``bwrap``, Debian's ``bubblewrap``; ``make test`` installs it): the
kernel runs as an unprivileged user (``nobody``) without capabilities, in its own user, process,
network (no network at all), IPC and host-name namespaces; the whole system is read-only; the
trainer's home, the course folder, ``/tmp`` and the other places that hold people's data are
hidden behind small empty memory folders; the scratch folder is the only place it can write.
:mod:`shine.course.kernel` adds the process limits (CPU time, memory, file size) and a clean
``sys.path``. The kernel talks to the grader over Unix sockets in the scratch folder (ZeroMQ's
``ipc`` transport): there is no network inside, and nothing travels over TCP.

Where there is no ``bwrap`` (a Mac), :func:`sandbox_problem` says why, and grading keeps the two
other protections: the released cells and the clean folder and path.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shine.i18n import _

NOBODY = 65534
KERNEL_MODULE = "shine.course.kernel"
SERVER_MODULE = "shine.course.warm"
TMPFS_HIDDEN = 1024 * 1024  # bytes of memory a hidden folder's stand-in may hold
TMPFS_TMP = 16 * 1024 * 1024
PASSED_ENV = ("LANG", "LC_ALL", "SHINE_CONTENT_DIR", "SHINE_CURRICULUM", "SHINE_LANG")


@dataclass(frozen=True)
class Limits:
    """What one notebook may use while it is graded."""

    cpu_seconds: int = 60
    memory_mb: int = 2048
    files_mb: int = 64  # the largest file it may write
    output_kb: int = 256  # what a cell's outputs may add to the graded notebook

    def kernel_args(self) -> list[str]:
        return [f"--cpu={self.cpu_seconds}", f"--memory={self.memory_mb}", f"--files={self.files_mb}"]


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """None when the sandbox works here; otherwise why not, in plain words."""
    if sys.platform != "linux":
        return _("this system has no sandbox for the grading kernel (bubblewrap runs on Linux only)")
    bwrap = bwrap_path()
    if not bwrap:
        return _("bubblewrap (bwrap) is not installed; install the Debian package bubblewrap")
    probe = subprocess.run([bwrap, *_isolation(), "--ro-bind", "/", "/", "--", "true"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return _("bubblewrap cannot start a sandbox here: {detail}").format(detail=probe.stderr.strip()[:200])
    return None


def sandbox_available() -> bool:
    return sandbox_problem() is None


@functools.lru_cache(maxsize=1)
def _can_disable_userns() -> bool:
    """bubblewrap 0.8 and later can forbid new user namespaces inside the sandbox."""
    shown = subprocess.run([bwrap_path(), "--help"], capture_output=True, text=True, timeout=30)
    return "--disable-userns" in shown.stdout + shown.stderr


def _isolation() -> list[str]:
    return ["--die-with-parent", "--unshare-all", "--unshare-user",
            *(["--disable-userns"] if _can_disable_userns() else []),
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL"]


def new_scratch() -> Path:
    """A fresh folder for one notebook (short: the kernel's sockets live in it)."""
    return Path(tempfile.mkdtemp(prefix="shine-grade-"))


def kernel_env(scratch: Path) -> dict[str, str]:
    """The whole environment the kernel gets: no secrets, no ``PYTHON*``, its home is the scratch."""
    env = {k: os.environ[k] for k in PASSED_ENV if os.environ.get(k)}
    env.update(PATH=os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]), HOME=str(scratch),
               IPYTHONDIR=str(scratch / ".ipython"), JUPYTER_RUNTIME_DIR=str(scratch / ".runtime"),
               MPLCONFIGDIR=str(scratch / ".matplotlib"), PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("LANG", "C.UTF-8")
    return env


def _needed() -> list[Path]:
    """What the kernel must be able to read: the interpreter, its packages, the curriculum."""
    from shine.web.paths import PACKAGE, curriculum_root

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent,
             PACKAGE.parent, curriculum_root()}
    paths |= {Path(p) for p in sys.path if p and Path(p).is_dir()}
    if os.environ.get("SHINE_CONTENT_DIR"):
        paths.add(Path(os.environ["SHINE_CONTENT_DIR"]))
    return sorted({p.resolve() for p in paths if p.exists()})


def _hidden(private: list[Path]) -> list[Path]:
    """Folders that hold people's data: hidden from the kernel."""
    from shine.web.paths import shine_home

    places = [Path("/home"), Path("/root"), Path("/tmp"), Path("/var/tmp"), Path("/run/user"), Path("/media"),
              Path("/mnt"), Path.home(), shine_home(), *private]
    return sorted({p.resolve() for p in places if p.exists() and p.resolve() != Path("/")},
                  key=lambda p: len(p.parts))


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def sandbox_args(scratch: Path, env: dict[str, str], private: list[Path] = ()) -> list[str]:
    """bwrap's arguments up to ``--``: everything read-only, private places hidden, the scratch
    folder writable, no network, an unprivileged user, a clean environment."""
    args = [bwrap_path(), *_isolation(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    hidden, needed = _hidden(list(private)), _needed()
    for folder in hidden:
        args += ["--size", str(TMPFS_TMP if folder == Path("/tmp") else TMPFS_HIDDEN), "--tmpfs", str(folder)]
    for path in needed:  # the interpreter and its packages may live under a hidden folder
        if any(_under(path, h) for h in hidden):
            args += ["--ro-bind", str(path), str(path)]
    for folder in hidden:  # ... and private data under what was just shown again
        if any(_under(folder, p) and folder != p for p in needed if any(_under(p, h) for h in hidden)):
            args += ["--size", str(TMPFS_HIDDEN), "--tmpfs", str(folder)]
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch), "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args


def kernel_command(scratch: Path, connection_file: str, limits: Limits, *, private: list[Path] = (),
                   sandboxed: bool | None = None, serve: bool = False) -> list[str]:
    """The command that starts a grading kernel (or, with ``serve``, the warm grading server)."""
    inner = [sys.executable, "-I", "-m", SERVER_MODULE if serve else KERNEL_MODULE, *limits.kernel_args()]
    inner += [] if serve else ["--", "-f", connection_file]
    if sandboxed is None:
        sandboxed = sandbox_available()
    if not sandboxed:
        return inner
    return [*sandbox_args(scratch, kernel_env(scratch), private), "--", *inner]
