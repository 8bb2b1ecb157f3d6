"""Starting Voila for a session: the curriculum's notebooks as pages with no code showing.

Voila always runs standalone (as a JupyterLab extension it would let a browser run code), with
tracebacks hidden and idle kernels culled: a page opened straight at ``/voila/render/...``
never gets the cookie its tab-close beacon needs (voila#1458), so culling is what frees it.
"""

from __future__ import annotations

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

from .i18n import _
from .store import shine_home

CULL_IDLE_S = 600   # a participant reading a page for ten minutes keeps their kernel
CULL_INTERVAL_S = 60
_RUNNING = re.compile(r"Voil[àa] is running at:\s*$")


def repo_root() -> Path:
    """The curriculum folder: the checkout this package lives in, else the current folder."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "modules").is_dir() else Path.cwd()


def lan_address() -> str:
    """This machine's address on the room's network (no packet leaves the machine)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET address: only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def voila_command(notebooks: Path, *, port: int, lan: bool, extra: list[str] | None = None) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={'0.0.0.0' if lan else '127.0.0.1'}",
        "--show_tracebacks=False",
        "--strip_sources=True",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|gif|svg|css)']",
        *(extra or []),
    ]


@dataclass
class Server:
    """A running Voila; ``url`` is what a person opens."""

    process: subprocess.Popen
    url: str
    log_path: Path
    lines: list[str] = field(default_factory=list)

    def stop(self, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Voila shuts its kernels down on SIGINT
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                self.process.wait(5)
        return self.process.returncode


def start(notebooks: Path | None = None, *, port: int = 8866, lan: bool = False,
          startup_timeout: float = 60) -> Server:
    notebooks = Path(notebooks or repo_root() / "modules")
    if not notebooks.is_dir():
        raise FileNotFoundError(_("There is no folder of notebooks at {path}.").format(path=notebooks))
    log_dir = shine_home() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "voila.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(voila_command(notebooks, port=port, lan=lan), cwd=notebooks, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                            start_new_session=True)
    server = Server(proc, "", log_path)
    found = threading.Event()

    def pump():  # keep Voila's log in a file; spot the line that says where it listens
        saw_banner = False
        with log_path.open("a", encoding="utf-8") as log:
            for line in proc.stdout:
                log.write(line)
                log.flush()
                server.lines.append(line)
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
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_a: stopping.set())
    try:
        while server.process.poll() is None and not stopping.is_set():
            time.sleep(0.3)
    except KeyboardInterrupt:
        pass
    print(_("Stopping... (participants' work is already saved)"), flush=True)
    code = server.stop()
    print(_("Stopped."), flush=True)
    return 0 if stopping.is_set() or code in (0, -signal.SIGINT, 130) else code
