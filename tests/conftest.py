"""Shared fixtures: system tools, a throwaway PostgreSQL server, headless Chromium.

System packages (Chromium, PostgreSQL, poppler, LibreOffice) are installed by
``tools/install-system-packages``, which ``make test`` runs first.  When one is
missing, tests that need it are skipped loudly on a developer's machine and
*fail* under ``CI=true``: CI must never go green by skipping them.

Helpers for test modules (tests/ is on sys.path, so ``from conftest import ...``):

    need_system(what, reason)   skip / fail now: ``what`` is missing
    system_tool(name, reason)   path of a command or file, else need_system()
    in_ci()                     True under CI=true
"""

from __future__ import annotations

import collections
import glob
import html
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no network but loopback: without these Chromium keeps
    # trying to reach Google's services and logs refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every skip from need_system() starts with this, so the terminal summary can
# find them again (also in reports sent back from xdist workers).
SYSTEM_SKIP_PREFIX = "SYSTEM PACKAGE MISSING: "


# --------------------------------------------------------------------------
# System tools
# --------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def text_of(widget) -> str:
    """What a person reads in an HTML widget: the text, with the markup taken away."""
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def widget_tree(widget, seen=None) -> list:
    """Every widget model a component sends to the browser: children, layouts and styles included."""
    import ipywidgets

    seen = {} if seen is None else seen
    if isinstance(widget, ipywidgets.Widget) and id(widget) not in seen:
        seen[id(widget)] = widget
        for name in widget.keys:
            value = getattr(widget, name)
            for child in value if isinstance(value, (list, tuple)) else [value]:
                widget_tree(child, seen)
    return list(seen.values())


def need_system(what: str, reason: str) -> None:
    """Skip (locally) or fail (CI) the current test because ``what`` is missing."""
    if in_ci():
        pytest.fail(
            f"{what} is missing, and CI must have it ({reason}). "
            "tools/install-system-packages should have installed it: "
            "see its output at the start of the CI log.",
            pytrace=False,
        )
    pytest.skip(
        f"{SYSTEM_SKIP_PREFIX}{what} ({reason}). "
        "Install it with: sudo tools/install-system-packages"
    )


def system_tool(name: str, reason: str) -> str:
    """Absolute path of command or file ``name``; need_system() when absent."""
    if os.sep in name:
        if os.path.exists(name):
            return name
    else:
        found = shutil.which(name)
        if found:
            return found
    need_system(name, reason)
    raise AssertionError("unreachable")  # need_system always raises


def pytest_collection_modifyitems(config, items):
    # Mark tests by the fixtures they use, so `-m "not browser"` etc. work
    # without every test author remembering the marker.
    by_fixture = {
        "postgres_server": "postgres",
        "postgres_url": "postgres",
        "chromium_browser": "browser",
        "page": "browser",
    }
    for item in items:
        for fixture_name in getattr(item, "fixturenames", ()):
            marker = by_fixture.get(fixture_name)
            if marker and not item.get_closest_marker(marker):
                item.add_marker(marker)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # `-ra` lists skips among many lines; these deserve a banner, because a
    # run without its browser and database tests is not the run you think.
    counts: collections.Counter[str] = collections.Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        message = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        if SYSTEM_SKIP_PREFIX in message:
            counts[message.split(SYSTEM_SKIP_PREFIX, 1)[1]] += 1
    if not counts:
        return
    total = sum(counts.values())
    terminalreporter.write_sep(
        "!", f"{total} test(s) SKIPPED: system packages missing", red=True, bold=True
    )
    for reason, n in sorted(counts.items()):
        terminalreporter.write_line(f"  {n:3d} x {reason}", yellow=True, bold=True)
    terminalreporter.write_line(
        "  These run in CI (CI=true turns these skips into failures).", yellow=True
    )


# --------------------------------------------------------------------------
# A district's own copy of the curriculum content
# --------------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the content YAML that the loader reads (``SHINE_CONTENT_DIR``), to edit in a test."""
    from shine import content

    target = tmp_path / "content"
    target.mkdir()
    for path in content.CONTENT_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    monkeypatch.setenv("SHINE_CONTENT_DIR", str(target))
    content.clear_cache()
    yield target
    content.clear_cache()


def edit_yaml(folder: Path, name: str, change) -> None:
    """Load ``folder/name``, let ``change`` edit the data in place, write it back, forget the cache."""
    import yaml

    from shine import content

    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    content.clear_cache()


# --------------------------------------------------------------------------
# Voila, as the dashboards and modules are served
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def voila_server(notebooks: Path, home: Path, **kwargs):
    """Standalone Voila exactly as shine serves it, its kernels on a scratch SHINE_HOME (and
    never on SHINE_DB_URL or a QUERY_STRING the test process happens to have)."""
    from shine.room import server as workshop

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SHINE_HOME", str(home))
        env.delenv("SHINE_DB_URL", raising=False)
        env.delenv("QUERY_STRING", raising=False)
        server = workshop.start(notebooks, port=free_port(), **kwargs)
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------
# Files the tests leave for people to look at
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (git-ignored): screenshots, PDFs."""
    path = REPO_ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


# --------------------------------------------------------------------------
# PostgreSQL: one throwaway server per xdist worker (or per plain session)
# --------------------------------------------------------------------------
#
# Each worker starts its own server on its own port: no locks or shared state
# between workers, and initdb + start take about a second.


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    socket_dir: Path
    bin_dir: Path = field(repr=False)

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for database ``dbname``."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string, for psycopg.connect()."""
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"


def _postgres_bin_dir() -> Path | None:
    """Debian's /usr/lib/postgresql/<version>/bin (highest version), else PATH."""
    candidates = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(p) for p in match.group(1).split(".") if p) if match else ()

    if candidates:
        return Path(max(candidates, key=version)).parent
    on_path = shutil.which("pg_ctl")  # Homebrew, Postgres.app, other distros
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_ready(conninfo: str, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(conninfo, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_server():
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        need_system("PostgreSQL server (initdb, pg_ctl)", "the store tests start a throwaway server")

    # PostgreSQL refuses to run as root.  As root, the cluster belongs to the
    # `postgres` user that Debian's package creates, and the server programs
    # run as that user via runuser.
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            need_system("the 'postgres' system user", "root cannot run PostgreSQL; Debian's postgresql package creates it")
        as_user = ["runuser", "-u", "postgres", "--"]

    # Directly under /tmp, not pytest's tmp_path: that sits under a 0700
    # directory of root's that the postgres user cannot enter, and the unix
    # socket path must stay short (about 100 bytes at most; macOS's $TMPDIR is
    # already long).
    base = Path(tempfile.mkdtemp(prefix="shine-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    data_dir = base / "data"
    log_file = base / "server.log"
    if owner:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    os.chmod(base, 0o700)

    def run(*cmd: str) -> subprocess.CompletedProcess:
        # cwd=base: the postgres user may not be allowed into our cwd.
        return subprocess.run(
            [*as_user, *cmd], cwd=base, capture_output=True, text=True, timeout=120
        )

    def log_tail() -> str:
        try:
            return log_file.read_text()[-3000:]
        except OSError:
            return "(no server log)"

    pg_ctl = str(bin_dir / "pg_ctl")
    started = False
    try:
        init = run(
            str(bin_dir / "initdb"), "-D", str(data_dir), "--auth=trust", "-U", "postgres",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )
        if init.returncode != 0:
            pytest.fail(f"initdb failed:\n{init.stdout}\n{init.stderr}", pytrace=False)

        # Another worker may grab the same free port between our probe and the
        # server's bind; try a few ports before giving up.
        for _attempt in range(5):
            port = _free_port()
            options = " ".join([
                "-h 127.0.0.1",
                f"-p {port}",
                f"-k {base}",  # unix_socket_directories: ours, not /var/run/postgresql
                "-c fsync=off",  # throwaway data: durability only costs time
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ])
            start = run(pg_ctl, "-D", str(data_dir), "-l", str(log_file), "-w", "-t", "60", "-o", options, "start")
            if start.returncode == 0:
                started = True
                break
            if "already in use" not in log_tail():
                break
        if not started:
            pytest.fail(
                f"PostgreSQL did not start:\n{start.stdout}\n{start.stderr}\n--- server.log ---\n{log_tail()}",
                pytrace=False,
            )

        server = PostgresServer(
            host="127.0.0.1", port=port, user="postgres", socket_dir=base, bin_dir=bin_dir
        )
        _wait_until_ready(server.conninfo())
        yield server
    finally:
        if started:
            # Immediate: the data is thrown away, no need for a clean checkpoint.
            run(pg_ctl, "-D", str(data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The same test on an SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shine.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(db_url):
    from shine.store import Store

    with Store(db_url) as s:
        yield s


@pytest.fixture
def postgres_url(postgres_server: PostgresServer):
    """SQLAlchemy URL of a fresh, empty database, dropped after the test."""
    import psycopg

    dbname = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield postgres_server.url(dbname)
    finally:
        # FORCE: a test that forgot to dispose its engine must not leave the
        # database behind (or make this fixture's teardown error).
        with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


# --------------------------------------------------------------------------
# Chromium via Playwright (Debian's /usr/bin/chromium; Playwright's own
# browser download cannot work here: no network beyond package registries)
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.access(CHROMIUM, os.X_OK):
        need_system(CHROMIUM, "browser tests drive Debian's Chromium through Playwright")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(chromium_browser):
    """``new_page(width=360, height=740)``: a page in a context of its own (its own cookies),
    closed after the test."""
    contexts = []

    def make(width: int = 360, height: int = 740):
        context = chromium_browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(chromium_browser):
    """A new page in its own browser context (fresh cookies and storage)."""
    context = chromium_browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def words(text: str) -> str:
    """Text as a person reads it: every run of spaces and line breaks as one space."""
    return " ".join(text.split())


def english_phrases() -> list[str]:
    """Every English source string of three or more words whose Spanish differs from it (names
    kept in English, like "Parent Teacher Home Visits", are not English left behind)."""
    from babel.messages.pofile import read_po

    from shine import content
    from shine.i18n.catalogs import po_path

    pairs = []
    for domain in ("shine", "content", "notebooks"):
        with po_path("es", domain).open("rb") as fh:
            for m in read_po(fh):
                if m.id:
                    pairs.append((m.id if isinstance(m.id, str) else m.id[0],
                                  m.string if isinstance(m.string, str) else m.string[0]))
    kept = " ".join(" ".join(spanish.split()) for _english, spanish in pairs)  # names the Spanish keeps
    english = content.english()  # citations and source titles are shown as published
    kept += " ".join([s.title for s in english.sources.sources]
                     + [s.citation for s in english.studies.studies]
                     + [v.citation for v in english.dual_capacity.versions])
    found = set()
    for english, _spanish in pairs:
        for line in english.splitlines():
            line = re.sub(r"\{[^}]*\}|[*#`_>\[\]()]", " ", line)
            for part in re.split(r"[.:;!?]\s|\s[-·]\s", line):
                part = " ".join(part.split()).strip(" ,.")
                if len(part.split()) >= 3 and part not in kept:
                    found.add(part)
    return sorted(found, key=len, reverse=True)


# --------------------------------------------------------------------------
# Accessibility: axe-core (WCAG 2.1 A/AA, no rule disabled)
# --------------------------------------------------------------------------

A11Y_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
A11Y_SIZES = {"phone": (360, 740), "laptop": (1280, 800)}


def axe_audit(page, where: str, artifacts_dir: Path) -> None:
    """axe-core on the page as it is now, at a phone's size and at a laptop's; the findings and a
    screenshot of each go to test-artifacts/a11y/. Fails on any violation, of any impact."""
    import json

    from axe_playwright_python.sync_playwright import Axe

    folder = artifacts_dir / "a11y"
    folder.mkdir(exist_ok=True)
    before = page.viewport_size
    found = {}
    for size, (width, height) in A11Y_SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)  # the layout settles at the new width
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": A11Y_TAGS}})
        broken = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [n["target"] for n in v["nodes"]][:5]} for v in results.response["violations"]]
        name = where.replace("/", "-")
        page.screenshot(path=str(folder / f"{name}-{size}.png"), full_page=True)
        (folder / f"{name}-{size}.json").write_text(json.dumps(broken, indent=1), encoding="utf-8")
        if broken:
            found[size] = broken
    if before:
        page.set_viewport_size(before)
    assert not found, f"{where}: {json.dumps(found, indent=1)}"
