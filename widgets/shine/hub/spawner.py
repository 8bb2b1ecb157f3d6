"""Servers and kernels from the zygote (:mod:`shine.hub.zygote`), with the usual start as fallback.

- :class:`ForkingSpawner` is JupyterHub's ``LocalProcessSpawner`` whose ``start`` asks the zygote
  for the person's server instead of running ``python -m shine.hub.singleuser`` from nothing. It
  starts the zygote at its first use (once per hub). Everything else (the pre-spawn hook, the
  environment, the port, ``poll`` and ``stop`` by process id, the state kept across a hub restart)
  is ``LocalProcessSpawner``'s own. Where the zygote cannot serve (not started, refused, another
  Python), the server starts the usual way, and the hub's log says why.
- :class:`ZygoteProvisioner` (``shine-hub-fork``) is the kernel provisioner of participants'
  servers: a kernel of this Python asks the zygote (``SHINE_HUB_ZYGOTE``) for a fork of itself,
  run as the participant; anything else, or a refusal, launches the usual way.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Dict, Unicode

from shine import upstream
from shine.room.kernels import ForkedKernel, forkable

from .zygote import SOCKET_ENV, ZygoteError, alive, ask

PROVISIONER_NAME = "shine-hub-fork"
READY_S = 120.0  # the zygote's imports, on a machine busy with a room logging in
ASK_S = 10.0  # a kernel's request: the zygote answers in milliseconds, even with a room arriving
RETRY_S = 60.0  # after a zygote that did not start, servers start the usual way this long
SERVER_MODULE = "shine.hub.singleuser"


class _Zygotes:
    """The zygote process of each socket, started by this hub process."""

    def __init__(self):
        self.processes: dict[str, subprocess.Popen] = {}
        self.failed: dict[str, float] = {}
        self.lock: asyncio.Lock | None = None

    async def running(self, path: str, env: dict[str, str], log) -> None:
        if self.lock is None:
            self.lock = asyncio.Lock()
        async with self.lock:
            proc = self.processes.get(path)
            if proc is not None and proc.poll() is None:
                return
            if time.monotonic() - self.failed.get(path, -RETRY_S) < RETRY_S:
                raise ZygoteError("the zygote did not start a moment ago")
            log.info("Starting the zygote (%s): servers and kernels are forked from it", path)
            proc = subprocess.Popen([sys.executable, "-m", "shine.hub.zygote", path], env=env, cwd="/",
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
            try:
                line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), READY_S)
                answer = json.loads(line or b"{}")
            except (asyncio.TimeoutError, ValueError):
                answer = {"error": "no answer"}
            proc.stdout.close()
            if not answer.get("ready"):
                proc.kill()
                self.failed[path] = time.monotonic()
                raise ZygoteError(f"the zygote did not start: {answer.get('error')}")
            log.info("The zygote is ready (pid %s, %s CPU-s of imports)", answer.get("pid"), answer.get("cpu_s"))
            self.processes[path] = proc


ZYGOTES = _Zygotes()


class ForkingSpawner(LocalProcessSpawner):
    """``LocalProcessSpawner`` whose servers are forked from the zygote, each as its own OS user."""

    zygote_socket = Unicode("", config=True, help="The zygote's socket (shine.hub.zygote.socket_path); "
                                                  "empty: start every server the usual way.")
    zygote_env = Dict(config=True, help="The zygote's whole environment (shine.hub.zygote.zygote_env): "
                                        "nothing secret, its children can read it.")

    def _forkable(self) -> bool:
        return bool(self.zygote_socket and not self.shell_cmd and not self.popen_kwargs
                    and len(self.cmd) == 3 and self.cmd[1:] == ["-m", SERVER_MODULE]
                    and forkable([self.cmd[0], "-m", "ipykernel_launcher"]))

    async def start(self):
        if not self._forkable():
            return await super().start()
        if self.port == 0:
            self.port = random_port()
        env = self.get_env()
        request = {"kind": "server", "user": self.user.name, "argv": self.get_args(), "env": env,
                   "cwd": env.get("HOME", "/")}
        try:
            await ZYGOTES.running(self.zygote_socket, dict(self.zygote_env), self.log)
            pid = await asyncio.to_thread(ask, self.zygote_socket, request)
        except (OSError, ZygoteError) as exc:
            self.log.warning("%s's server starts the usual way, not forked: %s", self.user.name, exc)
            return await super().start()
        self.proc = None
        self.pid = pid
        self.log.info("Forked %s's server from the zygote: pid %i", self.user.name, pid)
        return (self.ip or "127.0.0.1", self.port)

    async def poll(self):
        status = await super().poll()
        if status is None and self.proc is None and self.pid and not alive(self.pid):
            self.clear_state()  # a zombie left by a zygote that was killed
            return 1
        return status


class ForkedProcess(ForkedKernel):
    """:class:`~shine.room.kernels.ForkedKernel` for a process that is not this one's child (the
    zygote's): followed by its id. Its exit code is not known (0)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.stdout = self.stderr = self.stdin = None

    def poll(self) -> int | None:
        return None if alive(self.pid) else 0

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while alive(self.pid):
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout)
            time.sleep(0.05)
        return 0

    def send_signal(self, signum: int) -> None:
        try:
            super().send_signal(signum)
        except ProcessLookupError:
            pass  # gone already


class ZygoteProvisioner(LocalProvisioner):
    """``LocalProvisioner`` whose kernels of this Python are forked by the zygote, as this person."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        path = os.environ.get(SOCKET_ENV, "")
        if not path or not forkable(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = {os.fsdecode(os.fsencode(k)): os.fsdecode(os.fsencode(v))
               for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        request = {"kind": "kernel", "argv": cmd[3:], "env": env, "cwd": cwd}
        try:
            pid = await asyncio.wait_for(asyncio.to_thread(ask, path, request, (1, 2), ASK_S), ASK_S + 5)
        except (OSError, ZygoteError, asyncio.TimeoutError) as exc:
            self.log.warning("A kernel starts the usual way, not forked: %s", exc)
            return await super().launch_kernel(cmd, **kwargs)
        upstream.adopt_forked_kernel(self, ForkedProcess(pid), cwd)
        return self.connection_info


def zygote_settings(settings) -> dict[str, Any]:
    """The spawner's zygote settings for ``settings`` (a :class:`~shine.hub.settings.HubSettings`)."""
    from .zygote import socket_path, zygote_env

    path = socket_path(settings.hub_port)
    return {"zygote_socket": str(path), "zygote_env": zygote_env(settings.curriculum, Path(path).parent)}
