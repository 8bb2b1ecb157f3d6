"""Faults around a running workshop, with real processes and files: a terminal pipe that goes
away, a second start that must not touch the first, a room that is not shown the server's files,
and a log that can neither fill the disk nor freeze the server when the disk is full."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from conftest import in_ci
from shine.room.server import LogFile, port_is_free
from test_workshop_e2e import ROOT, free_port, start_workshop, stop_workshop


def workshop_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, SHINE_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("SHINE_DB_URL", None)
    env.pop("SHINE_WORKSHOP", None)
    return env


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    home = tmp_path_factory.mktemp("faults-home")
    running = start_workshop(home, free_port())
    yield running
    stop_workshop(running)


def key_works(running, key: str) -> bool:
    with running.store() as store:
        workshop = store.room.workshop_by_code(running.code)
        return store.room.check_facilitator_key(workshop.id, key)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_room_is_shown_no_listing_of_pages_or_files(room):
    base = f"http://127.0.0.1:{room.port}"
    for path in ("/", "/voila/tree", "/voila/tree/", "/voila/api/contents", "/voila/api/contents/kiosk.ipynb"):
        assert status(base + path) == 404, path
    assert status(room.url("kiosk")) == 200  # each page still opens by its address


def test_a_page_gives_the_browser_a_device_cookie_it_cannot_read(room):
    with urllib.request.urlopen(room.url("wall"), timeout=60) as response:
        cookies = [v for k, v in response.headers.items() if k.lower() == "set-cookie" and "shine_device=" in v]
    assert cookies and "HttpOnly" in cookies[0] and "SameSite=Strict" in cookies[0]


def test_the_tracker_address_is_printed_and_says_it_needs_the_key(room):
    assert "Mini Visit tracker (key needed)" in room.text and room.url("mini-visits")


def test_a_second_start_on_a_busy_port_leaves_the_running_workshop_alone(room):
    key = room.key
    second = subprocess.run([sys.executable, "-m", "shine", "workshop", "--port", str(room.port), "--no-qr"],
                            cwd=ROOT, env=workshop_env(room.home), capture_output=True, text=True, timeout=120)
    assert second.returncode == 2 and "already in use" in second.stderr
    assert key_works(room, key)  # the key the facilitator holds still opens the console


def test_the_same_workshop_is_not_started_twice(room):
    key = room.key
    second = subprocess.run([sys.executable, "-m", "shine", "workshop", "--port", str(free_port()), "--no-qr",
                             "--code", room.code], cwd=ROOT, env=workshop_env(room.home), capture_output=True,
                            text=True, timeout=120)
    assert second.returncode == 2 and "already running" in second.stderr, second.stderr
    assert key_works(room, key)


def test_ctrl_c_stops_the_server_even_when_the_pipe_to_the_terminal_has_gone(tmp_path):
    """`make workshop 2>&1 | tee log`, then Ctrl-C: tee goes first, and printing "Stopping..."
    must not keep the server from stopping."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "shine", "workshop", "--port", str(port), "--kiosks", "1",
                             "--no-qr"], cwd=ROOT, env=workshop_env(tmp_path / "home"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    said = []
    for line in proc.stdout:
        said.append(line)
        if "Press Ctrl-C" in line or time.monotonic() > deadline:
            break
    assert proc.poll() is None, "the workshop did not start"
    assert any("Module pages" in line for line in said), "".join(said)  # its module pages' server too
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "Voila is not running under the workshop"
    proc.stdout.close()  # tee has gone: every later print meets a broken pipe
    proc.send_signal(signal.SIGINT)
    proc.wait(60)
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"{len(alive)} processes outlived the workshop: {[p.pid for p in alive]}"
    assert port_is_free(port, lan=False)
    assert proc.returncode == 0
    assert not list((tmp_path / "home" / "run").glob("*.json"))  # it no longer says it is running


def test_the_log_rotates_and_stays_bounded(tmp_path):
    log = LogFile(tmp_path / "voila.log", max_bytes=10_000, keep=3)
    for i in range(2_000):
        log.write(f"line {i} " + "x" * 40 + "\n")
    log.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["voila.log", "voila.log.1", "voila.log.2", "voila.log.3"]
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) < 45_000
    assert "line 1999" in (tmp_path / "voila.log").read_text()


@pytest.fixture
def small_disk(tmp_path):
    """A real filesystem of 256 KB (tmpfs; mounting needs root, as CI has)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        if in_ci():
            pytest.fail("a small tmpfs could not be mounted (CI runs as root and must)")
        pytest.skip("mounting a small tmpfs needs root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path) -> Path:
    """Write zeros until the disk is full; the file, to delete when space should return."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass  # the disk is full
    return filler


def test_a_full_disk_drops_log_lines_and_writing_resumes_when_space_returns(small_disk):
    filler = fill(small_disk)
    log = LogFile(small_disk / "voila.log", max_bytes=10_000_000)
    for i in range(500):
        log.write(f"while full {i}\n")  # never raises
    assert log.dropped > 0
    filler.unlink()  # space returns
    log.write("after\n")
    log.close()
    text = (small_disk / "voila.log").read_text()
    assert "log lines were dropped (the disk was full)" in text and text.endswith("after\n")


def test_a_server_whose_log_disk_is_full_keeps_serving(small_disk):
    """The thread that reads a program's output keeps reading when its log cannot be written, so
    the program never blocks on a full pipe (Voila froze this way)."""
    from shine.room import server as room_server

    script = "import sys\nfor i in range(200000):\n    print('x' * 100, flush=True)\nprint('done', flush=True)\n"
    fill(small_disk)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace")
    log = room_server.LogFile(small_disk / "voila.log")
    seen = 0
    for line in proc.stdout:
        log.write(line)
        seen += 1
    assert proc.wait(60) == 0 and seen == 200_001  # the writer was never blocked
    assert log.dropped > 0
