"""Participants' servers and their kernels, forked from one warm process: ``python -m shine.hub.zygote``.

A participant's first minute on the hub was two Python start-ups: their JupyterLab (jupyter_server,
JupyterLab, Voila, nbgrader's extensions: about 2.2 CPU-seconds of imports on this kind of
machine) and the kernel of the module they open (ipykernel, ipywidgets, matplotlib, the lessons,
the curriculum in every language: about 1.6 more, then the module's cells). Fifty of them logging
in within ten seconds on two cores queued behind each other's imports.

The zygote is one process the hub starts (as root; :class:`shine.hub.spawner.ForkingSpawner`) that
imports all of that once, then only forks, on request over a Unix socket:

- ``server``, from the hub (only a request from root is taken): a child that becomes the person
  named (their groups, group and user id; never root or a system account), in their home folder,
  with the environment the spawner gives, and runs :mod:`shine.hub.singleuser`;
- ``kernel``, from a participant's server (:class:`shine.hub.spawner.ZygoteProvisioner`): a child
  that becomes *whoever asked* (the socket's peer credentials, never what the request says) and
  runs ipykernel as ``python -m ipykernel_launcher`` would (:func:`shine.room.kernels.run_kernel`).
  It stops when the server that asked for it is gone.

The children share the imported code's memory until they write to it (``gc.freeze()``, as the
room's forked kernels do). What keeps this safe:

- The zygote starts with a clean environment (no hub secret: :func:`zygote_env`) and reads nothing
  secret, because every child inherits its memory (``/proc/self/environ`` of a child is the
  zygote's starting environment).
- Its socket is in a folder only root can write (:func:`socket_path`), so nobody can put another
  socket in its place; anybody may connect, and the peer credentials decide who a child becomes.
- The zygote never reads a request: it looks only at who connected, forks, and the child reads
  the request. So nothing of one person's (their hub token, their database password) is ever in
  the memory the next child inherits, and a connection that never asks holds up nobody.
- A child asked for by a participant becomes them before it reads a byte of their request; only
  the hub's child (root asked) reads as root, and it serves the person named, never root or a
  system account. A request must come within :data:`REQUEST_S` seconds and be at most
  :data:`REQUEST_LIMIT` bytes; one person has at most :data:`PER_PERSON` forked processes alive.
  A refused request is answered with the reason, and the asker starts its process the usual way.
- A child closes every descriptor but its connection (other people's included) and takes the
  two it is sent as its output; signals are handled as by default.
- When the hub is gone, the zygote stops taking requests and stays until its children have
  exited: they are its children, so it reaps them, and nobody is left orphaned.

Not shared with the child: the hash seed is (every forked process hashes strings alike), as in
any fork server.
"""

from __future__ import annotations

import ctypes
import errno
import faulthandler
import importlib
import json
import os
import pwd
import selectors
import signal
import socket
import stat
import struct
import sys
import threading
import time
import traceback
from pathlib import Path

from shine.room.kernels import MODULE_PRELOAD

SOCKET_ENV = "SHINE_HUB_ZYGOTE"  # in each participant's server: where to ask for a kernel
RUN_DIR = Path("/run/shine-hub")
# A participant's server: the hub's single-user extension, JupyterLab, Voila and the nbgrader
# extensions it loads (courses.PARTICIPANT_SERVER_EXTENSIONS_OFF are not loaded), nbconvert's
# execution and templates. Then the module pages' kernel preload, frozen last.
SERVER_PRELOAD = ["jupyterhub.singleuser.extension", "jupyter_server.serverapp", "jupyterlab.labapp",
                  "voila.app", "voila.server_extension", "voila.handler", "nbconvert.exporters.html",
                  "nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.validate_assignment"]
PRELOAD = [*SERVER_PRELOAD, *MODULE_PRELOAD]
MIN_UID = 1000  # as shine.hub.config: below are root and system accounts
REQUEST_S = 5.0
REQUEST_LIMIT = 1024 * 1024
PER_PERSON = 20
PR_SET_DUMPABLE, PR_SET_NAME = 4, 15
# What ``ps -o comm``, top and psutil's name() show for a child (its command line is the zygote's).
NAMES = {"server": b"shine-server", "kernel": b"shine-kernel"}
# What the zygote's environment may hold: nothing secret (a child can read it).
CLEAN_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "SHINE_CURRICULUM", "VIRTUAL_ENV")


class ZygoteError(RuntimeError):
    """A request the zygote refused or could not serve; the message says why."""


def socket_path(hub_port: int, run_dir: Path = RUN_DIR) -> Path:
    """The zygote's socket for the hub on ``hub_port``, in a folder only root may write."""
    return run_dir / f"hub-{hub_port}" / "zygote.sock"


def zygote_env(curriculum: str | os.PathLike, state: Path) -> dict[str, str]:
    """The zygote's whole environment: a few harmless variables, its matplotlib folder, its curriculum."""
    env = {k: os.environ[k] for k in CLEAN_ENV if k in os.environ}
    # One BLAS thread: numpy's OpenBLAS otherwise starts its threads at import, before any fork.
    env.update(SHINE_CURRICULUM=str(curriculum), HOME=str(state), MPLCONFIGDIR=str(state / "matplotlib"),
               PYTHONUNBUFFERED="1", OPENBLAS_NUM_THREADS="1")
    return env


def secure_folder(folder: Path) -> None:
    """``folder`` (and its parent) made by root, 0755, or refused when somebody else could write it."""
    for path in (folder.parent, folder):
        path.mkdir(mode=0o755, exist_ok=True)
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o022:
            raise ZygoteError(f"{path} must be a folder of root's that nobody else can write")


# -- Asking ----------------------------------------------------------------------------------


def ask(path: str | os.PathLike, request: dict, fds: tuple[int, ...] = (1, 2), timeout: float = 30.0) -> int:
    """Send one request (with the descriptors the child should write to); the child's pid."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(os.fspath(path))
        try:
            socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], list(fds))
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the request was read (too many forks): the reason is waiting below
        said = b""
        while not said.endswith(b"\n"):
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            said += chunk
    try:
        reply = json.loads(said)
    except ValueError:
        raise ZygoteError("the zygote gave no answer") from None
    if not isinstance(reply, dict) or not isinstance(reply.get("pid"), int):
        raise ZygoteError(str(reply.get("error") if isinstance(reply, dict) else reply))
    return reply["pid"]


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (one whose parent did not reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


# -- The child ---------------------------------------------------------------------------------


def _prctl(option: int, value) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def become(account: pwd.struct_passwd) -> None:
    """Drop root for good: the person's groups, group and user (real, effective and saved)."""
    if account.pw_uid < MIN_UID:
        raise ZygoteError(f"{account.pw_name!r} is a system account")
    os.setgroups(os.getgrouplist(account.pw_name, account.pw_gid))
    os.setresgid(account.pw_gid, account.pw_gid, account.pw_gid)
    os.setresuid(account.pw_uid, account.pw_uid, account.pw_uid)
    if os.getresuid() != (account.pw_uid,) * 3:
        raise ZygoteError("the user id did not change")
    # After leaving root, Linux marks a process undumpable, so /proc/<pid> becomes root's and the
    # person's own tools cannot look at their own server. Nothing secret is in this memory.
    _prctl(PR_SET_DUMPABLE, 1)


def _watch(pid: int) -> None:
    """A kernel goes when the server that asked for it is gone (killed, crashed)."""
    while alive(pid):
        time.sleep(2.0)
    os._exit(0)


def read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    """The request (one line of JSON, at most :data:`REQUEST_LIMIT` bytes, within :data:`REQUEST_S`)
    and the descriptors sent with it."""
    conn.settimeout(REQUEST_S)
    data, fds = b"", []
    deadline = time.monotonic() + REQUEST_S
    while b"\n" not in data:
        if len(data) > REQUEST_LIMIT or time.monotonic() > deadline:
            raise ZygoteError("the request is too long or too slow")
        try:
            chunk, more, _, _ = socket.recv_fds(conn, 65536, 4)
        except (socket.timeout, OSError):
            raise ZygoteError(f"no request within {REQUEST_S:.0f} s") from None
        if not chunk:
            raise ZygoteError("the connection closed before its request")
        data, fds = data + chunk, fds + list(more)
    try:
        request = json.loads(data.split(b"\n", 1)[0])
    except ValueError:
        raise ZygoteError("a request the zygote cannot read") from None
    if not isinstance(request, dict) or not isinstance(request.get("env", {}), dict) \
            or not isinstance(request.get("argv", []), list):
        raise ZygoteError("a request is a mapping with env (a mapping) and argv (a list)")
    return request, fds


def answer(conn: socket.socket, reply: dict) -> None:
    try:
        conn.settimeout(1.0)
        conn.sendall(json.dumps(reply).encode() + b"\n")
    except OSError:
        pass


def child(conn: socket.socket, account: pwd.struct_passwd | None, asker: int) -> None:
    """In the forked child: read the request, become the person, take the descriptors, run.

    The zygote itself never reads a request, so nothing of one person's (their token, their
    database password) is ever in the memory the next child inherits. A participant's request is
    read only after this child has become them (``account``, from the socket's peer credentials);
    the hub's (``account`` None: root asked) names the person. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        keep = conn.fileno()  # every other descriptor of the zygote's goes
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        if account is not None:
            become(account)  # a participant asked: nothing of the request is read as root
        request, fds = read_request(conn)
        kind = request.get("kind")
        if account is None:
            if kind != "server":
                raise ZygoteError(f"{kind!r}: root asks for servers only; no kernel runs as root")
            try:
                account = pwd.getpwnam(str(request.get("user")))
            except KeyError:
                raise ZygoteError(f"there is no OS user {request.get('user')!r}") from None
            if account.pw_uid < MIN_UID:
                raise ZygoteError(f"{account.pw_name!r} is root or a system account: nothing is started as it")
            os.setsid()  # as LocalProcessSpawner's start_new_session: the hub's signals are not its
            become(account)
        elif kind != "kernel":
            raise ZygoteError("only the hub starts servers" if kind == "server" else f"unknown request {kind!r}")
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        outs = (fds + [null, null])[:2]
        os.dup2(outs[0], 1)
        os.dup2(outs[1], 2)
        for fd in {null, *fds} - {0, 1, 2}:
            os.close(fd)
        faulthandler.enable()  # a crash in the child says where, on the asker's error output
        answer(conn, {"pid": os.getpid()})
        conn.close()
        _prctl(PR_SET_NAME, ctypes.c_char_p(NAMES[kind]))
        os.umask(0o022)
        env = {str(k): str(v) for k, v in request.get("env", {}).items()}
        argv = [str(a) for a in request.get("argv", [])]
        cwd = str(request.get("cwd") or account.pw_dir)
        _user_site(env.get("HOME", account.pw_dir))
        if kind == "server":
            os.environ.clear()
            os.environ.update(env)
            os.chdir(cwd)
            from shine.hub.singleuser import main

            main(argv)
        else:
            from shine.room.kernels import run_kernel

            threading.Thread(target=_watch, args=(asker,), daemon=True, name="shine-watch").start()
            run_kernel(argv, env, cwd)
        code = 0
    except ZygoteError as exc:
        answer(conn, {"error": str(exc)})
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 -- said on the asker's stderr; the child must not return
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _user_site(home: str) -> None:
    """The person's own ``pip install --user`` packages, as their own Python would see them."""
    import site

    site.USER_BASE = site.USER_SITE = None
    os.environ["HOME"] = home
    path = site.getusersitepackages()
    if os.path.isdir(path):
        site.addsitedir(path)


# -- The zygote ------------------------------------------------------------------------------


class Zygote:
    def __init__(self, path: Path):
        self.path = path
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, int] = {}  # pid -> the uid that asked
        self.listener: socket.socket | None = None
        self.bound = 0

    def listen(self) -> None:
        secure_folder(self.path.parent)
        try:
            self.path.unlink()  # a socket left by an earlier zygote of this hub
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.fspath(self.path))
        os.chmod(self.path, 0o666)
        self.bound = os.stat(self.path).st_ino  # to remove the file only while it is still ours
        listener.listen(128)
        listener.setblocking(False)
        self.selector.register(listener, selectors.EVENT_READ)
        self.listener = listener

    def stop_listening(self) -> None:
        if self.listener is None:
            return
        self.selector.unregister(self.listener)
        try:
            if os.stat(self.path).st_ino == self.bound:
                self.path.unlink()
        except OSError:
            pass
        self.listener.close()
        self.listener = None

    def living(self, uid: int) -> int:
        for pid in [p for p in self.children if not alive(p)]:
            del self.children[pid]
        return sum(1 for u in self.children.values() if u == uid)

    def accept(self) -> None:
        while self.listener is not None:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            with conn:
                self.start(conn)

    def start(self, conn: socket.socket) -> None:
        """Fork a child for this connection, which reads the request itself (see :func:`child`);
        only who asked is looked at here."""
        asker, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                            struct.calcsize("3i")))
        account = None
        if uid != 0:
            try:
                account = pwd.getpwuid(uid)
            except KeyError:
                return answer(conn, {"error": f"uid {uid} has no OS user"})
            if uid < MIN_UID:
                return answer(conn, {"error": f"{account.pw_name!r} is a system account: nothing is started as it"})
        if uid != 0 and self.living(uid) >= PER_PERSON:
            return answer(conn, {"error": f"{account.pw_name} already has {PER_PERSON} forked processes"})
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self.selector.close()
            if self.listener is not None:
                self.listener.detach()  # closed by number in the child; no object may close a reused number
            child(conn, account, asker)
        self.children[pid] = uid

    def serve(self, hub_pid: int) -> None:
        while True:
            for key, _ in self.selector.select(timeout=1.0):
                if key.fileobj is self.listener:
                    self.accept()
            if os.getppid() != hub_pid:
                self.stop_listening()  # the hub is gone: a new hub starts its own zygote
                self.living(-1)
                if not self.children:
                    return


def preload(names: list[str]) -> dict[str, float]:
    """Import what the children need; a module that is not installed or fails is only logged."""
    took, t0 = {}, time.process_time()
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 -- a child imports it itself, and meets the problem there
            if not isinstance(exc, ModuleNotFoundError) or exc.name != name:
                print(f"[shine zygote] could not preload {name}: {exc!r}", file=sys.stderr)
    took["cpu_s"] = round(time.process_time() - t0, 2)
    return took


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m shine.hub.zygote SOCKET", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("[shine zygote] runs as root only (it starts each person's processes as them)", file=sys.stderr)
        return 2
    hub_pid = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they exit: no zombies
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    zygote = Zygote(Path(args[0]))
    try:
        secure_folder(zygote.path.parent)  # before the imports: matplotlib keeps its cache there
        took = preload(PRELOAD)
        zygote.listen()
    except (OSError, ZygoteError) as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 1
    print(json.dumps({"ready": True, "pid": os.getpid(), **took}), flush=True)
    os.dup2(2, 1)  # nothing more on the hub's pipe
    try:
        zygote.serve(hub_pid)
    except OSError as exc:
        if exc.errno != errno.EINTR:
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
