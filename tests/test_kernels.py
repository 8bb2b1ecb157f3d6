"""Kernels forked from the warm fork server behave as launched kernels do, at a fraction of the cost."""

from __future__ import annotations

import os
import sys
import time

import psutil
import pytest
from jupyter_client.manager import KernelManager

from shine.kernels import PROVISIONER_NAME, ForkProvisioner, forkable, kernel_processes


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
    monkeypatch.setenv("JUPYTER_DEFAULT_PROVISIONER_NAME", PROVISIONER_NAME)
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
    pid = manager.provisioner.pid
    client.execute("import time; time.sleep(60)")
    time.sleep(1)
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=20)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    assert run(client, "6 * 7")["value"] == "42"  # still alive after the interrupt
    manager.shutdown_kernel(now=False)
    assert not manager.is_alive()
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_forked_kernels_are_found_under_their_server(forked):
    manager, _client = forked
    assert manager.provisioner.pid in {p.pid for p in kernel_processes(os.getpid())}
