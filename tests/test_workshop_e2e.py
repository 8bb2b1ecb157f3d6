"""`shine workshop` as a room uses it: kiosks, the wall and the console in real Chromium.

One server per test module (it is started once and shared); the restart test kills it and starts
the next one, which the remaining tests then use.
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

import psutil
import pytest

from shine.store import Store

ROOT = Path(__file__).resolve().parents[1]
PAGE_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    proc: subprocess.Popen
    home: Path
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def find(self, pattern: str) -> str:
        match = re.search(pattern, self.text)
        assert match, f"{pattern!r} not in the output:\n{self.text}"
        return match.group(1)

    @property
    def code(self) -> str:
        return self.find(r"Join code for participants: ([A-Z0-9]{6})")

    @property
    def key(self) -> str:
        return self.find(r"Facilitator key .*: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})")

    def url(self, name: str) -> str:
        return self.find(rf"(http://\S+/voila/render/{name}\.ipynb)")

    def voila(self) -> psutil.Process:
        return next(p for p in psutil.Process(self.proc.pid).children() if "voila" in " ".join(p.cmdline())
                    or "shine.room.server" in " ".join(p.cmdline()))

    def store(self) -> Store:
        return Store(f"sqlite:///{self.home / 'shine.db'}")


def start_workshop(home: Path, port: int, *extra: str) -> Running:
    env = dict(os.environ, SHINE_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("SHINE_DB_URL", None)
    env.pop("SHINE_WORKSHOP", None)
    # --no-modules: these tests are about the room's own pages (the module pages' server is tested in
    # test_pools.py, and `shine workshop` starting and stopping it in test_room_faults.py).
    proc = subprocess.Popen([sys.executable, "-m", "shine", "workshop", "--port", str(port), "--kiosks", "2",
                             "--no-modules", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    running = Running(proc, home, port)
    ready = threading.Event()

    def pump():
        for line in proc.stdout:
            running.lines.append(line)
            if "Press Ctrl-C" in line:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(120) or proc.poll() is not None:
        proc.kill()
        pytest.fail("shine workshop did not start:\n" + running.text)
    return running


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """``room["server"]`` is the running workshop (the restart test replaces it)."""
    home = tmp_path_factory.mktemp("workshop-home")
    holder = {"server": start_workshop(home, free_port())}
    yield holder
    stop_workshop(holder["server"])


def stop_workshop(running: Running) -> None:
    """Ctrl-C, as a trainer stops it; killed if it has not stopped within 40 s."""
    if running.proc.poll() is None:
        running.proc.send_signal(signal.SIGINT)
        try:
            running.proc.wait(40)
        except subprocess.TimeoutExpired:
            running.proc.kill()


@pytest.fixture
def browser(chromium_browser):
    contexts = []

    def new_page(width: int = 360, height: int = 740):
        context = chromium_browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        return page

    yield new_page
    for context in contexts:
        context.close()


def open_kiosk(new_page, server: Running):
    page = new_page()
    page.goto(server.url("kiosk"))
    page.wait_for_selector(".shine-kiosk .widget-text input", timeout=PAGE_TIMEOUT_MS)
    return page


def join(page, code: str, school: str, district: str = "Groton") -> None:
    page.fill(".shine-kiosk .widget-text input", code)
    page.get_by_role("button", name="Join", exact=True).click()
    page.wait_for_selector(".shine-kiosk select", timeout=10_000)
    labels = page.locator(".shine-kiosk select option").all_inner_texts()
    mine = [label for label in labels if label.startswith(school)]
    page.select_option(".shine-kiosk select", label=mine[0] if mine else "My school is not in the list")
    if not mine:
        fields = page.locator(".shine-kiosk .widget-text input")
        fields.nth(0).fill(district)
        fields.nth(1).fill(school)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector(".shine-kiosk textarea", timeout=10_000)


def post(page, kind: str, body: str, tag: str | None = None) -> str:
    page.get_by_role("button", name=kind, exact=True).click()
    page.fill(".shine-kiosk textarea", body)
    if tag:
        page.get_by_role("button", name=tag, exact=True).click()
    page.get_by_role("button", name="Post", exact=True).click()
    # The form empties only when the post is saved (a refused post keeps its text).
    page.wait_for_function("document.querySelector('.shine-kiosk textarea').value === ''", timeout=10_000)
    return page.locator(".shine-kiosk [role=status]").first.inner_text()


def open_wall(new_page, server: Running):
    wall = new_page(1280, 800)
    wall.goto(server.url("wall"))
    wall.wait_for_selector(".shine-wall-count", timeout=PAGE_TIMEOUT_MS)
    return wall


def test_shine_workshop_prints_the_addresses_the_code_the_key_and_a_qr_code(room):
    server = room["server"]
    text = server.text
    assert "New workshop" in text and len(server.code) == 6
    for name in ("kiosk", "wall", "console"):
        assert server.url(name).startswith(f"http://127.0.0.1:{server.port}/")
    assert server.key and "▀" in text or "█" in text  # the QR code, drawn with block characters
    with server.store() as store:
        kept = store.room.workshop_by_code(server.code)
        assert kept.setup["segments"] and server.key not in str(kept)


def test_a_second_workshop_on_a_busy_port_says_so(room, tmp_path):
    server = room["server"]
    env = dict(os.environ, SHINE_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-m", "shine", "workshop", "--port", str(server.port), "--no-qr"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "already in use" in out.stderr


@pytest.mark.browser
def test_post_on_a_kiosk_see_it_on_the_wall_upvote_and_the_console_hides_it(room, browser, artifacts_dir):
    server = room["server"]
    wall = open_wall(browser, server)
    kiosk = open_kiosk(browser, server)
    join(kiosk, server.code, "Platt Tech", "CTHSS")
    body = "Few fathers come to parent conferences"
    assert "Posted!" in post(kiosk, "Challenge", body, tag="Communicating")
    assert kiosk.locator(".shine-kiosk textarea").input_value() == ""  # ready for the next person
    tile = wall.locator(".shine-tile", has_text=body)
    tile.wait_for(timeout=10_000)
    assert "Platt Tech" in tile.inner_text() and "Communicating" in tile.inner_text()
    kiosk.screenshot(path=str(artifacts_dir / "workshop-kiosk-360px.png"), full_page=True)

    other = open_kiosk(browser, server)
    join(other, server.code, "Moody School", "Middletown")
    other.get_by_role("button", name="Me too (0)").click()
    other.get_by_role("button", name="Me too (1)").wait_for(timeout=10_000)
    wall.locator("ol.shine-ranked li", has_text="1 me too").wait_for(timeout=10_000)
    wall.screenshot(path=str(artifacts_dir / "workshop-wall.png"), full_page=True)

    console = browser(1280, 900)
    console.goto(server.url("console"))
    console.wait_for_selector("input[type=password]", timeout=PAGE_TIMEOUT_MS)
    console.fill("input[type=password]", "AAAA-BBBB-CCCC-DDDD")
    console.get_by_role("button", name="Open the console").click()
    console.get_by_text("not this workshop").wait_for(timeout=10_000)
    assert console.get_by_role("button", name="Hide").count() == 0  # refused: nothing to act on
    console.fill("input[type=password]", server.key)
    console.get_by_role("button", name="Open the console").click()
    console.get_by_text("Agenda").wait_for(timeout=10_000)
    console.locator(".widget-hbox", has_text=body).get_by_role("button", name="Hide").click()
    console.get_by_text("HIDDEN").wait_for(timeout=10_000)
    tile.wait_for(state="detached", timeout=10_000)
    console.screenshot(path=str(artifacts_dir / "workshop-console.png"), full_page=True)
    with server.store() as store:
        w = store.room.workshop_by_code(server.code)
        hidden = [p for p in store.room.posts(w.id, include_hidden=True) if p.body == body]
        assert hidden and hidden[0].hidden and hidden[0].votes == 1  # kept in the store, marked hidden


PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "javascript:window.__pwned = 3",
    '<a href="javascript:window.__pwned = 4">click me</a>',
    "Robert'); DROP TABLE posts;--",
    "Nos reunimos con 12 familias 🎉",
    "اجتماع الأسر يوم الخميس",
]


@pytest.mark.browser
def test_bad_input_on_the_kiosk_gets_a_message_or_shows_as_inert_text(room, browser):
    server = room["server"]
    kiosk = open_kiosk(browser, server)
    kiosk.fill(".shine-kiosk .widget-text input", "WRONG1")
    kiosk.get_by_role("button", name="Join", exact=True).click()
    kiosk.get_by_text("does not match this workshop").wait_for(timeout=10_000)
    join(kiosk, server.code, "Windsor High School", "Windsor")
    with server.store() as store:
        w = store.room.workshop_by_code(server.code)
        before = store.room.count_posts(w.id)
    kiosk.get_by_role("button", name="Question", exact=True).click()
    kiosk.fill(".shine-kiosk textarea", "")
    kiosk.get_by_role("button", name="Post", exact=True).click()
    kiosk.get_by_text("empty; please write something").wait_for(timeout=10_000)
    kiosk.fill(".shine-kiosk textarea", "x" * 10_000)
    kiosk.get_by_role("button", name="Post", exact=True).click()
    kiosk.get_by_text("the limit is 2000").wait_for(timeout=10_000)
    assert len(kiosk.locator(".shine-kiosk textarea").input_value()) == 10_000  # the text is not thrown away
    for payload in PAYLOADS:
        assert "Posted!" in post(kiosk, "Practice to share", payload)
    wall = open_wall(browser, server)
    for payload in PAYLOADS:
        wall.locator(".shine-tile .shine-body", has_text=payload).first.wait_for(timeout=10_000)
    kiosk.get_by_role("button", name="Show the newest posts").click()
    kiosk.wait_for_timeout(500)
    for page in (wall, kiosk):
        assert page.evaluate("window.__pwned") is None, "a posted script ran"
        assert page.dialogs == []
        assert page.locator(".shine-tile a, .shine-other a, .shine-tile img, .shine-other img").count() == 0
    with server.store() as store:
        assert store.room.count_posts(w.id) == before + len(PAYLOADS)  # nothing lost, nothing extra
        assert {p.body for p in store.room.posts(w.id)} >= set(PAYLOADS)


@pytest.mark.browser
def test_closing_a_kiosk_tab_frees_its_kernel(room, browser):
    """voila#1458: without the _xsrf cookie the close beacon is refused and the kernel lives on.

    Checked on the page's own kernel: counting processes would also count the pool's refills,
    which arrive on their own schedule."""
    server = room["server"]
    page = open_kiosk(browser, server)
    assert page.context.cookies() and any(c["name"] == "_xsrf" for c in page.context.cookies())
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    kernel_url = server.url("kiosk").split("/voila/")[0] + f"/api/kernels/{kernel_id}"
    assert http_status(kernel_url) == 200
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 15
    while http_status(kernel_url) == 200 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert http_status(kernel_url) == 404


@pytest.mark.browser
def test_more_people_than_the_pool_all_get_a_kiosk(room, browser):
    """The pool holds two kernels here; the third person's page starts a kernel of its own."""
    server = room["server"]
    pages = [open_kiosk(browser, server) for _ in range(3)]
    kernel_ids = {p.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
                  for p in pages}
    assert len(kernel_ids) == 3
    for page in pages:
        assert page.locator(".shine-kiosk .widget-text input").first.is_enabled()
        page.close(run_before_unload=True)


def http_status(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.browser
def test_killing_the_server_and_starting_again_resumes_every_post(room, browser):
    server = room["server"]
    kiosk = open_kiosk(browser, server)
    join(kiosk, server.code, "Platt Tech", "CTHSS")
    post(kiosk, "Milestone", "Written just before the crash")
    with server.store() as store:
        w = store.room.workshop_by_code(server.code)
        before = store.room.count_posts(w.id)
        visible = len(store.room.posts(w.id))  # the wall leaves out posts the console hid
    voila = server.voila()
    server.proc.kill()  # no clean stop: the laptop's server just dies
    voila.kill()
    server.proc.wait(10)
    voila.wait(10)
    restarted = start_workshop(server.home, server.port)
    room["server"] = restarted
    assert restarted.code == server.code
    assert "Resumed workshop" in restarted.text and f"{before} posts so far" in restarted.text
    assert restarted.key != server.key  # a new key at every start
    wall = open_wall(browser, restarted)
    count = wall.locator(".shine-wall-count")
    assert int(count.get_attribute("data-count")) == visible
    with restarted.store() as store:
        assert store.room.count_posts(w.id) == before
    assert wall.get_by_text("Written just before the crash").count() == 1
