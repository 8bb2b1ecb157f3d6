"""The hub's zygote (shine.hub.zygote): whoever asks gets a kernel run as themselves, and nothing more.

Real OS users and a real zygote, as on a district server (CI runs as root). The participant's side
runs as that OS user (``runuser``), so the socket's peer credentials are theirs. The end-to-end
use (a hub whose servers and module pages are forked) is in tests/test_hub.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
from conftest import need_system, system_tool

from shine.hub import spawner as hub_spawner
from shine.hub.zygote import REQUEST_S, ZygoteError, alive, ask, socket_path, zygote_env

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET = "hub-only-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def person():
    if os.geteuid() != 0:
        need_system("root", "the zygote forks each person's processes as that person's OS user")
    system_tool("useradd", "the test makes an OS user")
    system_tool("runuser", "the test asks the zygote as that OS user")
    from test_hub import _let_others_through, _reachable_by

    name = f"zy-{uuid.uuid4().hex[:6]}"
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name], check=True,
                   capture_output=True, timeout=60)
    try:
        if not _reachable_by(name, sys.executable):
            _let_others_through(Path(sys.executable).resolve(), REPO_ROOT / "widgets")
        if not _reachable_by(name, sys.executable):
            pytest.fail(f"{name} cannot run {sys.executable}: the zygote's children use its files", pytrace=False)
        yield pwd.getpwnam(name)
    finally:
        for proc in psutil.process_iter(["uids"]):
            if proc.info["uids"] and proc.info["uids"].real == pwd.getpwnam(name).pw_uid:
                proc.kill()
        subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def zygote(person):
    """A zygote started as the hub's spawner starts it, with a hub secret in this process's
    environment that must not reach it."""
    run_dir = Path(tempfile.mkdtemp(prefix="shine-zygote-", dir="/tmp"))
    run_dir.chmod(0o755)
    path = socket_path(4242, run_dir)
    os.environ["SHINE_HUB_SECRET_FOR_TEST"] = SECRET
    env = zygote_env(REPO_ROOT, path.parent)
    zygotes = hub_spawner._Zygotes()
    with ThreadPoolExecutor(1) as thread:  # its own event loop: a browser test's may be running in this one
        thread.submit(asyncio.run, zygotes.running(str(path), env, logging.getLogger("test"))).result(timeout=180)
    proc = zygotes.processes[str(path)]
    yield path, proc
    proc.kill()
    proc.wait(10)
    os.environ.pop("SHINE_HUB_SECRET_FOR_TEST", None)
    shutil.rmtree(run_dir, ignore_errors=True)


ASK_KERNEL = textwrap.dedent('''
    import json, os, sys, tempfile, time
    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file
    from shine.hub.zygote import ask
    folder = tempfile.mkdtemp()
    connection, _ = write_connection_file(os.path.join(folder, "kernel.json"))
    # The request names root: a kernel is always run as whoever asks, whatever the request says.
    pid = ask(sys.argv[1], {"kind": "kernel", "user": "root", "argv": ["-f", connection],
                            "env": dict(os.environ, SHINE_ASKED="yes"), "cwd": folder})
    client = BlockingKernelClient()
    client.load_connection_file(connection)
    client.start_channels()
    client.wait_for_ready(60)
    code = ("import os, json; environ = open('/proc/self/environ', 'rb').read().decode(errors='replace')\\n"
            "try:\\n    os.setuid(0); regained = True\\nexcept PermissionError:\\n    regained = False\\n"
            "print(json.dumps({'ids': [os.getresuid(), os.getresgid()], 'cwd': os.getcwd(), "
            "'asked': os.environ.get('SHINE_ASKED'), 'environ': environ, 'regained': regained, "
            "'ppid': os.getppid(), 'name': open('/proc/self/comm').read().strip()}))")
    out = []
    client.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
    print(json.dumps({"pid": pid, "kernel": json.loads("".join(out)), "folder": folder}), flush=True)
    if sys.argv[2] == "leave":  # go without shutting the kernel down, as a killed server would
        os._exit(0)
    client.shutdown()
''')


def as_person(person, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", person.pw_name, "--", sys.executable, "-c", ASK_KERNEL, *args],
                          capture_output=True, text=True, timeout=180, cwd="/")


def test_a_participant_gets_a_kernel_run_as_themselves_and_it_goes_with_them(person, zygote):
    path, proc = zygote
    asked = as_person(person, str(path), "leave")
    assert asked.returncode == 0, asked.stderr[-3000:]
    answer = json.loads(asked.stdout.strip().splitlines()[-1])
    kernel = answer["kernel"]
    ids = (person.pw_uid,) * 3
    assert kernel["ids"] == [list(ids), [person.pw_gid] * 3] and kernel["regained"] is False
    assert kernel["cwd"] == answer["folder"] and kernel["asked"] == "yes"
    # The zygote's memory is every child's: no hub secret is in it.
    assert SECRET not in kernel["environ"] and "SHINE_DB_URL" not in kernel["environ"]
    assert kernel["ppid"] == proc.pid and kernel["name"] == "shine-kernel"
    # The participant's side is gone (as a killed server): its kernel goes too, within seconds.
    deadline = time.monotonic() + 15
    while alive(answer["pid"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(answer["pid"])


def test_the_zygote_starts_nothing_as_root_and_no_server_for_a_participant(person, zygote):
    path, _ = zygote
    with pytest.raises(ZygoteError, match="no kernel runs as root"):
        ask(path, {"kind": "kernel", "argv": [], "env": {}})  # asked by root (this test)
    with pytest.raises(ZygoteError, match="root or a system account"):
        ask(path, {"kind": "server", "user": "daemon", "argv": [], "env": {}})
    script = ("import sys; from shine.hub.zygote import ask\n"
              "try:\n    ask(sys.argv[1], {'kind': 'server', 'user': sys.argv[2], 'argv': [], 'env': {}})\n"
              "except Exception as exc:\n    print(exc)\n")
    refused = subprocess.run(["runuser", "-u", person.pw_name, "--", sys.executable, "-c", script, str(path),
                              person.pw_name], capture_output=True, text=True, timeout=120, cwd="/")
    assert "only the hub starts servers" in refused.stdout, refused.stderr[-2000:]
    for request in (b"not json\n", b'{"kind": "kernel", "env": []}\n', b'{"kind": "shell"}\n'):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(str(path))
            conn.sendall(request)
            assert "error" in json.loads(conn.recv(65536))


def test_a_silent_connection_holds_nobody_up_and_is_dropped(person, zygote):
    """The zygote reads no request itself (its child does), so one that never comes delays nobody."""
    path, _ = zygote
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(path))  # connects, never asks
    try:
        t0 = time.monotonic()
        asked = as_person(person, str(path), "shutdown")
        assert asked.returncode == 0, asked.stderr[-3000:]
        assert time.monotonic() - t0 < 60
        silent.settimeout(REQUEST_S + 10)
        said = b""
        while chunk := silent.recv(65536):  # its child gives up after REQUEST_S and closes
            said += chunk
        assert json.loads(said) == {"error": f"no request within {REQUEST_S:.0f} s"}
    finally:
        silent.close()


def test_when_the_hub_goes_the_zygote_stops_listening_and_stays_for_its_children(person, tmp_path):
    """The zygote's parent (the hub) exits: no new requests; a kernel still running is not
    orphaned (the zygote stays its parent until it exits), and then the zygote goes too."""
    run_dir = Path(tempfile.mkdtemp(prefix="shine-zygote-", dir="/tmp"))
    run_dir.chmod(0o755)
    path = socket_path(4343, run_dir)
    env = zygote_env(REPO_ROOT, path.parent)
    ready = tmp_path / "ready"
    hub = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f'''
        import subprocess, sys, time
        z = subprocess.Popen([sys.executable, "-m", "shine.hub.zygote", {str(path)!r}], env={env!r},
                             stdout=subprocess.PIPE)
        open({str(ready)!r}, "w").write(z.stdout.readline().decode())
        time.sleep(600)
    ''')], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (ready.exists() and ready.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        zygote_pid = json.loads(ready.read_text())["pid"]
        asked = subprocess.Popen(["runuser", "-u", person.pw_name, "--", sys.executable, "-c",
                                  ASK_KERNEL.replace("client.shutdown()", "time.sleep(30); client.shutdown()"),
                                  str(path), "shutdown"], stdout=subprocess.PIPE, text=True, cwd="/")
        line = asked.stdout.readline()
        kernel_pid = json.loads(line)["pid"]
        os.kill(hub.pid, signal.SIGKILL)  # the hub is gone
        hub.wait(10)
        deadline = time.monotonic() + 10
        while path.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not path.exists()  # no new requests
        assert alive(zygote_pid) and psutil.Process(kernel_pid).ppid() == zygote_pid  # stays with its child
        asked.wait(120)  # the participant shuts the kernel down
        deadline = time.monotonic() + 15
        while alive(zygote_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(kernel_pid) and not alive(zygote_pid)
    finally:
        if hub.poll() is None:
            hub.kill()
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_socket_folder_somebody_else_could_write_is_refused(tmp_path):
    if os.geteuid() != 0:
        need_system("root", "the zygote's folder must be root's")
    from shine.hub.zygote import secure_folder

    open_folder = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        open_folder.chmod(0o777)
        with pytest.raises(ZygoteError, match="nobody else can write"):
            secure_folder(open_folder / "hub-1")
    finally:
        shutil.rmtree(open_folder)


def test_one_person_has_at_most_twenty_forks_alive(person, zygote):
    """A participant asking again and again gets PER_PERSON kernels, then a refusal (their server
    then starts kernels the usual way, under their own limits), not a root process forking for ever."""
    from shine.hub.zygote import PER_PERSON

    path, _ = zygote
    script = textwrap.dedent('''
        import os, sys, tempfile
        from jupyter_client.connect import write_connection_file
        from shine.hub.zygote import ZygoteError, ask
        pids = []
        try:
            for _ in range(int(sys.argv[2]) + 1):
                folder = tempfile.mkdtemp()
                connection, _ = write_connection_file(os.path.join(folder, "kernel.json"))
                try:
                    pids.append(ask(sys.argv[1], {"kind": "kernel", "argv": ["-f", connection],
                                                  "env": dict(os.environ), "cwd": folder}))
                except ZygoteError as exc:
                    print(len(pids), exc)
                    break
        finally:
            for pid in pids:
                os.kill(pid, 9)
    ''')
    done = subprocess.run(["runuser", "-u", person.pw_name, "--", sys.executable, "-c", script, str(path),
                           str(PER_PERSON)], capture_output=True, text=True, timeout=300, cwd="/")
    assert done.stdout.strip() == f"{PER_PERSON} {person.pw_name} already has {PER_PERSON} forked processes", (
        done.stdout, done.stderr[-2000:])
