"""Kernels forked from the warm fork server behave as launched kernels do, at a fraction of the cost."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import KernelProvisionerFactory

from shine.room.kernels import PROVISIONER_NAME, ForkProvisioner, forkable, kernel_processes


def run(client, code: str) -> dict:
    """Execute ``code``; the last expression's text/plain, and stdout."""
    out = {"text": "", "value": None}

    def hook(msg):
        if msg["msg_type"] == "stream":
            out["text"] += msg["content"]["text"]
        elif msg["msg_type"] == "execute_result":
            out["value"] = msg["content"]["data"]["text/plain"]

    reply = client.execute_interactive(code, timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return out


@pytest.fixture
def forked(tmp_path, monkeypatch):
    # The factory is a singleton: another test in this process may have made it already.
    monkeypatch.setattr(KernelProvisionerFactory.instance(), "default_provisioner_name", PROVISIONER_NAME)
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path), env={**os.environ, "SHINE_TEST_MARK": "forked ✓"})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    yield manager, client
    client.stop_channels()
    if manager.is_alive():
        manager.shutdown_kernel(now=False)


def test_only_this_interpreters_ipykernel_is_forked():
    assert forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not forkable(["/usr/bin/python3-other-that-does-not-exist", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not forkable([sys.executable, "-m", "some_other_kernel", "-f", "c.json"])
    assert not forkable(["R", "--slave"])


def test_a_forked_kernel_runs_in_its_own_folder_environment_and_session(forked, tmp_path):
    manager, client = forked
    assert isinstance(manager.provisioner, ForkProvisioner)
    kernel = psutil.Process(manager.provisioner.pid)
    assert "multiprocessing.forkserver" in " ".join(kernel.parent().cmdline())  # forked, not launched
    out = run(client, "import os; print(os.getcwd()); print(os.environ['SHINE_TEST_MARK']); "
                      "print(os.getsid(0) == os.getpid())")
    assert out["text"].split("\n")[:3] == [str(tmp_path), "forked ✓", "True"]
    # The preloaded modules are there already, and ipywidgets' comm targets are registered.
    out = run(client, "import sys, comm; 'shine.store' in sys.modules, "
                      "sorted(t for t in comm.get_comm_manager().targets if t.startswith('jupyter.widget'))")
    assert out["value"] == "(True, ['jupyter.widget', 'jupyter.widget.control'])"


def test_a_forked_kernel_can_be_interrupted_and_shut_down(forked):
    manager, client = forked
    kernel = psutil.Process(manager.provisioner.pid)
    # stop_on_error=False: otherwise the kernel aborts requests for a moment after the interrupt
    # error, and the liveness check below could arrive in that moment (it did, once in a full run).
    sleeping = client.execute("import time; time.sleep(60)", stop_on_error=False)
    time.sleep(1)
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=20)
    while reply["parent_header"].get("msg_id") != sleeping:  # e.g. a late reply to a readiness check
        reply = client.get_shell_msg(timeout=20)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    assert run(client, "6 * 7")["value"] == "42"  # still alive after the interrupt
    manager.shutdown_kernel(now=False)
    assert not manager.is_alive()
    deadline = time.monotonic() + 10
    while running(kernel) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(kernel)


def test_forked_kernels_are_found_under_their_server(forked):
    manager, _client = forked
    assert manager.provisioner.pid in {p.pid for p in kernel_processes(os.getpid())}


def test_shine_workshop_keeps_a_pool_the_size_of_a_room_by_default():
    from shine.cli import build_parser
    from shine.room import server, session
    from shine.web.paths import dashboards_dir

    args = build_parser().parse_args(["workshop"])
    assert args.kiosks == session.KIOSK_POOL
    assert f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER_NAME}" in server.voila_command(
        dashboards_dir(), port=8866, lan=False)


def test_kernels_go_when_their_server_dies_without_stopping_them(tmp_path):
    """A server killed outright must not leave its fork server and kernels behind."""
    script = (
        "import os\n"
        "os.environ['JUPYTER_DEFAULT_PROVISIONER_NAME'] = 'shine-fork'\n"
        "from jupyter_client.manager import KernelManager\n"
        "km = KernelManager(kernel_name='python3'); km.start_kernel()\n"
        "kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)\n"
        "import psutil; kernel = psutil.Process(km.provisioner.pid)\n"
        "print(kernel.pid, kernel.ppid(), ' '.join(kernel.parent().cmdline()), flush=True)\n"
        "os._exit(0)\n"  # no shutdown of anything
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    kernel_pid, server_pid, server_command = done.stdout.strip().split(" ", 2)
    assert "multiprocessing.forkserver" in server_command
    kernel, fork_server = (psutil.Process(int(pid)) if psutil.pid_exists(int(pid)) else None
                           for pid in (kernel_pid, server_pid))
    alive = [p for p in (kernel, fork_server) if p is not None]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(running(p) for p in alive):
        time.sleep(0.2)
    assert not [p.pid for p in alive if running(p)]


def running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


PRELOAD_PROBE = r"""
import importlib, json, os, sys, threading
import psutil
from shine.room.kernels import MODULE_PRELOAD
for name in MODULE_PRELOAD:  # as the fork server imports them
    importlib.import_module(name)
from shine.lessons import preload
from shine.web import chart_cache
me = psutil.Process()
read, write = os.pipe()
child = os.fork()
if child == 0:  # a kernel forked from it: no font file of the fork server's is still open
    fonts = [f.path for f in psutil.Process().open_files() if f.path.endswith((".ttf", ".otf"))]
    os.write(write, json.dumps(fonts).encode())
    os._exit(0)
os.waitpid(child, 0)
print(json.dumps({"done": preload.summary, "threads": threading.active_count(), "sockets": len(me.net_connections()),
                  "charts": len(chart_cache._entries), "forked_kernel_fonts": json.loads(os.read(read, 65536)),
                  "loaded": [m for m in ("matplotlib.backends.backend_agg", "shine.plan.widgets.builder",
                                         "shine.lessons.impact.nnps_self_assessment") if m in sys.modules]}))
"""


def test_a_module_pages_server_forks_kernels_that_have_loaded_the_lessons_and_started_nothing(tmp_path, monkeypatch):
    import json
    import subprocess
    import sys

    from shine.i18n import available_languages
    from shine.room import kernels

    monkeypatch.delenv(kernels.PRELOAD_ENV, raising=False)
    assert kernels.preload() == kernels.PRELOAD  # the kiosk's server keeps its short list
    monkeypatch.setenv(kernels.PRELOAD_ENV, kernels.MODULE_PAGES)
    assert kernels.preload() == kernels.MODULE_PRELOAD
    assert set(kernels.PRELOAD) < set(kernels.MODULE_PRELOAD)
    assert kernels.MODULE_PRELOAD[-1] == "shine.room.frozen"  # frozen after everything is loaded

    out = subprocess.run([sys.executable, "-c", PRELOAD_PROBE], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "SHINE_HOME": str(tmp_path)}, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    languages = len(available_languages())
    assert found["done"] == {"modules": found["done"]["modules"], "languages": languages, "charts": languages,
                             "failed": 0}
    assert found["done"]["modules"] > 30  # every lesson module
    assert found["loaded"] == ["matplotlib.backends.backend_agg", "shine.plan.widgets.builder",
                               "shine.lessons.impact.nnps_self_assessment"]
    assert found["charts"] == languages  # module 2's timeline, drawn in each language
    # Nothing that must not be shared by forked kernels: no thread, no socket, no font file.
    assert found["threads"] == 1 and found["sockets"] == 0
    assert found["forked_kernel_fonts"] == []
