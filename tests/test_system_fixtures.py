"""The shared system fixtures (conftest.py) work for real: PostgreSQL, Chromium."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
import sqlalchemy as sa

# Run twice: the second run can only create the same table again if each test
# really gets a fresh database.
@pytest.mark.parametrize("run", ["first", "second"])
def test_postgres_url_round_trip(postgres_url, run):
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE greeting (id serial PRIMARY KEY, body text NOT NULL)"))
            conn.execute(sa.text("INSERT INTO greeting (body) VALUES (:body)"), {"body": f"Time to Shine ({run})"})
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, body FROM greeting")).all()
            version = conn.execute(sa.text("SHOW server_version_num")).scalar_one()
            fsync = conn.execute(sa.text("SHOW fsync")).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(1, f"Time to Shine ({run})")]
    assert int(version) >= 130000  # DROP DATABASE ... WITH (FORCE) needs 13+
    assert fsync == "off"


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shine fixture check</title></head>
<body>
  <h1 id="title">Time to Shine</h1>
  <button id="go" onclick="document.getElementById('out').textContent = 'Clicked: ' + (1 + 1)">Go</button>
  <p id="out">Not clicked</p>
</body></html>
"""


@pytest.fixture
def local_site(tmp_path):
    """Serve a tiny page from tmp_path on 127.0.0.1 (a random free port)."""
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_page_loads_local_site_and_runs_script(page, local_site, artifacts_dir):
    response = page.goto(local_site)
    assert response is not None and response.ok
    assert page.title() == "Shine fixture check"
    assert page.text_content("#title") == "Time to Shine"

    page.click("#go")  # proves JavaScript runs, not just that HTML parsed
    assert page.text_content("#out") == "Clicked: 2"

    shot = artifacts_dir / "system-fixtures-page.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 1000


def test_page_loads_data_url(page):
    page.goto("data:text/html,<p id=x>Hello from a data URL</p>")
    assert page.text_content("#x") == "Hello from a data URL"
