"""`shine serve` (what `make workshop` runs for now): it prints an address, serves the modules
with standalone Voila, shows no code, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from shine import content, upstream
from shine.room.kernels import kernel_processes

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = dict(os.environ, SHINE_HOME=str(home), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "shine", "serve", "--port", str(free_port())], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines, url = [], None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and url is None:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"(http://\S+)", line)
        if match:
            url = match.group(1)
    if url is None:
        proc.kill()
        pytest.fail("shine serve printed no address:\n" + "".join(lines))
    yield proc, url.rstrip("/"), lines
    if proc.poll() is None:  # a failed test left it running: stop it as Ctrl-C does, so Voila goes too
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        return response.read().decode()


def test_it_prints_where_to_go_and_how_to_stop(server):
    _proc, url, lines = server
    text = "".join(lines)
    assert "Open this address in a browser" in text
    assert url.startswith("http://127.0.0.1:") or url.startswith("http://localhost:")


def test_it_lists_the_modules_and_renders_one_without_code(server):
    _proc, url, _lines = server
    assert "Voil" in fetch(url + "/")  # the home page; it lists the notebooks with JavaScript
    page = fetch(url + "/voila/render/00-welcome.ipynb")
    assert "Welcome to Time to Shine" in page
    assert "from shine" not in page  # sources are stripped


def test_pages_load_no_mathjax_and_their_kernels_are_forked(server):
    proc, url, _lines = server
    page = fetch(url + "/voila/render/00-welcome.ipynb")
    config = json.loads(re.search(r'id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert config["fullMathjaxUrl"] == upstream.NO_MATHJAX
    kernels = kernel_processes(proc.pid)
    assert kernels, "the page's kernel is running"
    assert all("multiprocessing.forkserver" in " ".join(k.cmdline()) for k in kernels)


def test_module_pages_come_preheated_unless_their_address_asks_for_something(server):
    """Each module page of the server's language has a preheated kernel; a page asked for with
    ?lang= (or a draft's ?keep=) gets a kernel of its own, so it is built for that address (Voila
    hands a kernel it starts for a page the page's QUERY_STRING; a preheated page was built without)."""
    proc, url, _lines = server
    log = Path(psutil.Process(proc.pid).environ()["SHINE_HOME"]) / "logs" / "voila.log"

    def preheated_pages(at_least: int = 0) -> int:  # Voila's log reaches the file a moment later
        deadline = time.monotonic() + 10
        while True:
            seen = log.read_text(encoding="utf-8").count("for 01-definition.ipynb")
            if seen >= at_least or time.monotonic() > deadline:
                return seen
            time.sleep(0.2)

    # Until the pool is full and its pages are built (the kernels have gone idle).
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        kernels = kernel_processes(proc.pid)
        try:
            if len(kernels) >= 8 and sum(k.cpu_percent(0.5) for k in kernels) < 5:
                break
        except psutil.Error:
            pass  # one exited while we looked
        time.sleep(0.5)
    english = fetch(url + "/voila/render/01-definition.ipynb")
    assert preheated_pages(at_least=1) == 1
    asked = fetch(url + "/voila/render/01-definition.ipynb?lang=es")
    time.sleep(1)
    assert preheated_pages() == 1  # not the preheated (English) page
    for page in (english, asked):  # both whole pages, each with its own kernel's widgets
        assert "window.voila_finish()" in page and "application/vnd.jupyter.widget-view+json" in page


def test_serve_pools_each_module_of_its_language():
    from shine.cli import build_parser
    from shine.room.server import MODULE_POOL, module_pools
    from shine.web.paths import modules_dir

    assert build_parser().parse_args(["serve"]).pool == MODULE_POOL == 1
    english = module_pools(modules_dir(), 2)
    assert sorted(english) == sorted(p.name for p in modules_dir().glob("0*.ipynb"))
    assert len(english) == 8 and set(english.values()) == {2}
    assert sorted(module_pools(modules_dir(), 1, "es")) == [f"es/{name}" for name in sorted(english)]
    assert module_pools(modules_dir(), 0) == {}


def test_page_templates_are_compiled_once_for_all_pages(monkeypatch):
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    upstream.share_compiled_templates()
    compiled = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A page")])
    first, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    after_first = len(compiled)
    second, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)  # a new exporter, as Voila makes
    assert len(compiled) == after_first, f"compiled again: {compiled[after_first:]}"
    assert first == second


@pytest.mark.browser
def test_a_participant_opens_the_welcome_page_in_chromium(server, page, artifacts_dir):
    _proc, url, _lines = server
    page.goto(url + "/")  # through the home page, so Voila sets the cookie its tab-close beacon needs
    with page.context.expect_page() as opened:
        page.click("text=00-welcome.ipynb")
    page = opened.value
    page.wait_for_selector("text=full, equal, and equitable partnership", timeout=60_000)
    page.get_by_role("button", name="Equal", exact=True).click()
    page.wait_for_selector("text=Choose a word to see what it means", state="detached", timeout=10_000)
    modules = content.items("module")
    role = next(r for r in content.items("role")
                if "participant" in r.kinds and 0 < sum(r.id in m.audience for m in modules) < len(modules))
    left_out = next(m for m in modules if role.id not in m.audience)
    assert page.get_by_text(left_out.title, exact=True).count() == 1
    page.locator("select").first.select_option(label=role.name)
    page.get_by_text(left_out.title, exact=True).wait_for(state="detached", timeout=10_000)
    assert page.locator(".shine-module-header").count() == 1
    assert "from shine" not in page.content()
    page.screenshot(path=str(artifacts_dir / "welcome.png"), full_page=True)


def test_ctrl_c_stops_the_server_and_its_kernels(server):
    proc, url, _lines = server
    fetch(url + "/voila/render/00-welcome.ipynb")  # leaves a kernel running
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "Voila runs under shine serve"
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=40)
    assert proc.returncode == 0, out
    assert "Stopped." in out  # and stopped means its kernels have gone too
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"left running: {[c.cmdline()[:3] for c in alive]}"


def test_closing_the_terminal_stops_voila_too(tmp_path):
    """A trainer closes the terminal window: the server and its kernels must not linger on the port."""
    env = dict(os.environ, SHINE_HOME=str(tmp_path), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "shine", "serve", "--pool", "0", "--port", str(free_port())],
                            cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = None
    while url is None:
        line = proc.stdout.readline()
        assert line, "shine serve ended before printing its address"
        found = re.search(r"(http://\S+)", line)
        url = found.group(1) if found else None
    fetch(url.rstrip("/") + "/voila/render/00-welcome.ipynb")
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGHUP)
    out, _ = proc.communicate(timeout=40)
    assert "Stopped." in out
    assert [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE] == []
