"""The package as a trainer or a JupyterHub image gets it: a wheel built from this repository,
installed into a fresh virtualenv, run from a folder that is not a checkout.

It must carry the curriculum (``modules/``, ``exercises/``, ``facilitator/``) as package data at
``shine/curriculum/`` and find it there (``shine.web.paths``), along with the rest of its package
data. The virtualenv is installed with ``-c requirements/lock.txt``, so this also checks that the
lock is installable as a constraints file. pip may reach PyPI for what its cache lacks.

One module-scoped fixture builds the wheel and the virtualenv (a minute or two); every command
then runs with a scratch SHINE_HOME, a scratch Jupyter configuration, in a scratch folder.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conftest import CHROMIUM, free_port, need_system

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK = REPO_ROOT / "requirements" / "lock.txt"
PACKAGE_SOURCE = REPO_ROOT / "widgets" / "shine"
CURRICULUM = ("modules", "exercises", "facilitator")
IN_WHEEL = "shine/curriculum"  # shine.web.paths.INSTALLED, inside the package
CLUTTER = ("__pycache__", ".ipynb_checkpoints")
# Files in the package folder that are not meant to ship: the catalog template is only read by
# `make i18n` (the .po catalogs are compiled at run time, so there is no .mo to ship).
NOT_SHIPPED_SUFFIXES = (".pyc", ".pot")
STARTUP_S = 120
STOP_S = 60


def project_files(folder: Path) -> list[str]:
    """Files under ``folder`` (relative to REPO_ROOT) that git tracks or would track, as the build
    chooses them; a plain walk where git is not available."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
             str(folder.relative_to(REPO_ROOT))],
            cwd=REPO_ROOT, capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        listed = [p.relative_to(REPO_ROOT).as_posix() for p in folder.rglob("*") if p.is_file()]
    return sorted(name for name in listed
                  if name and (REPO_ROOT / name).is_file() and not set(CLUTTER) & set(Path(name).parts))


# --------------------------------------------------------------------------
# The wheel, and a virtualenv with it installed
# --------------------------------------------------------------------------


@dataclass
class Installed:
    wheel: Path
    venv: Path
    site_packages: Path
    env: dict[str, str]
    work: Path   # the current folder for commands: not a checkout
    home: Path   # SHINE_HOME

    @property
    def curriculum(self) -> Path:
        return self.site_packages / IN_WHEEL

    def shine(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv / "bin" / "shine"), *args], cwd=self.work, env=self.env,
                              capture_output=True, text=True, timeout=timeout)


def _run(cmd: list, what: str, *, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({result.returncode}): {' '.join(map(str, cmd))}\n"
                    f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}", pytrace=False)
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    for module, package in (("pip", "pip"), ("venv", "python3-venv"), ("ensurepip", "python3-venv")):
        if importlib.util.find_spec(module) is None:
            need_system(f"{package} (Python module {module})", "the wheel test builds a wheel and a fresh virtualenv")
    base = tmp_path_factory.mktemp("wheel")
    assert REPO_ROOT not in base.resolve().parents, "the installed copy must live outside the checkout"
    wheels, build = base / "dist", base / "build"

    # setuptools builds in the checkout's build/ by default, where modules moved or deleted since
    # an earlier build would linger and ride along into the wheel; DIST_EXTRA_CONFIG (read by
    # setuptools like a setup.cfg) points its build and egg-info folders here instead.
    extra_config = base / "setuptools.cfg"
    extra_config.write_text(f"[build]\nbuild_base = {build}\n[egg_info]\negg_base = {base}\n", encoding="utf-8")
    build_env = dict(os.environ, DIST_EXTRA_CONFIG=str(extra_config), PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheels, REPO_ROOT],
         "Building the wheel", timeout=600, env=build_env, cwd=base)
    (wheel,) = wheels.glob("time_to_shine-*.whl")

    venv = base / "venv"
    clean_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(("SHINE_", "PYTHON", "JUPYTER")) and k not in ("VIRTUAL_ENV", "QUERY_STRING")}
    _run([sys.executable, "-m", "venv", venv], "Creating the virtualenv", timeout=300, env=clean_env, cwd=base)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--disable-pip-version-check", "-c", LOCK, wheel],
         "Installing the wheel with the lock as constraints", timeout=1200, env=clean_env, cwd=base)
    site_packages = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              "Asking the virtualenv for its site-packages", timeout=60, env=clean_env,
                              cwd=base).stdout.strip())

    work, home = base / "elsewhere", base / "home"
    work.mkdir()
    home.mkdir()
    env = dict(
        clean_env,
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        SHINE_HOME=str(home),
        PYTHONUNBUFFERED="1",
        # A fresh machine's Jupyter: no kernel spec or setting of this one's user folders applies.
        JUPYTER_CONFIG_DIR=str(base / "jupyter-config"),
        JUPYTER_DATA_DIR=str(base / "jupyter-data"),
    )
    return Installed(wheel, venv, site_packages, env, work, home)


# --------------------------------------------------------------------------
# What the wheel holds
# --------------------------------------------------------------------------


def test_the_wheel_carries_the_curriculum_and_all_package_data(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    curriculum = sorted(n for n in names if n.startswith(IN_WHEEL + "/"))
    assert not [n for n in names if set(CLUTTER) & set(n.split("/"))], "caches or checkpoints in the wheel"

    expected = {f"{IN_WHEEL}/{name}" for folder in CURRICULUM for name in project_files(REPO_ROOT / folder)}
    assert set(curriculum) == expected, (
        f"missing from the wheel: {sorted(expected - set(curriculum))}; "
        f"not in the checkout: {sorted(set(curriculum) - expected)}")
    for folder, example in (("modules", "00-welcome.ipynb"), ("exercises", "nbgrader_config.py"),
                            ("facilitator", "dashboards/kiosk.ipynb")):
        assert f"{IN_WHEEL}/{folder}/{example}" in names

    # Every module of every (nested) subpackage and every data file the package reads at run time:
    # content YAML, the translation catalogs, the migrations, the sample data.
    package = {"shine/" + Path(name).relative_to("widgets/shine").as_posix()
               for name in project_files(PACKAGE_SOURCE) if not name.endswith(NOT_SHIPPED_SUFFIXES)}
    assert package - names == set(), f"package files missing from the wheel: {sorted(package - names)}"
    for required in ("shine/content/modules.yaml", "shine/i18n/locale/es/LC_MESSAGES/shine.po",
                     "shine/store/migrations/env.py", "shine/data/sample_plan_high_school.json"):
        assert required in names
    assert any(n.startswith("shine/store/migrations/versions/") for n in names)


def test_the_installed_package_finds_its_own_curriculum(installed):
    assert (installed.curriculum / "modules" / "00-welcome.ipynb").is_file()
    # In a checkout, shine.web.paths prefers the checkout; installed, it must take the copy in
    # site-packages even though this test runs from one.
    found = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c",
         "from shine.web import paths; import shine; print(shine.__file__); print(paths.curriculum_root())"],
        cwd=installed.work, env=installed.env, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    package_file, root = found.stdout.split()
    assert Path(package_file).resolve().is_relative_to(installed.site_packages.resolve())
    assert Path(root).resolve() == installed.curriculum.resolve()


# --------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------


def test_shine_help(installed):
    result = installed.shine("--help", timeout=120)
    assert result.returncode == 0, result.stderr
    for command in ("serve", "workshop", "course", "handouts"):
        assert command in result.stdout


def test_course_init_creates_the_course_from_the_installed_exercises(installed):
    roster = installed.work / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "first_name", "last_name"], ["p01", "Ana", "Lopez"], ["p02", "Ben", "Ortiz"]])
    course = installed.work / "course"
    result = installed.shine("course", "init", "--dir", str(course), "--roster", str(roster))
    assert result.returncode == 0, result.stdout + result.stderr

    assert (course / "nbgrader_config.py").is_file()
    shipped = sorted(p.relative_to(installed.curriculum / "exercises" / "source").as_posix()
                     for p in (installed.curriculum / "exercises" / "source").rglob("*.ipynb"))
    assert shipped, "the installed copy has no exercises"
    created = sorted(p.relative_to(course / "source").as_posix() for p in (course / "source").rglob("*.ipynb"))
    assert created == shipped
    assert "2 participant(s)" in result.stdout


def test_handouts_of_one_module(installed):
    if not os.access(CHROMIUM, os.X_OK):
        need_system(CHROMIUM, "`shine handouts` prints its PDFs with Chromium")
    out = installed.work / "handouts"
    # One module: the whole curriculum would execute every notebook (minutes).
    result = installed.shine("handouts", "--out", str(out), "--modules", "00-welcome", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("00-welcome.html", "00-welcome.pdf", "00-welcome-guide.html", "00-welcome-guide.pdf"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert (out / "00-welcome.pdf").read_bytes().startswith(b"%PDF")
    assert "Welcome to Time to Shine" in (out / "00-welcome.html").read_text(encoding="utf-8")


class Running:
    """A long-running ``shine`` command; its output is read as it comes."""

    def __init__(self, installed: Installed, *args: str):
        self.proc = subprocess.Popen([str(installed.venv / "bin" / "shine"), *args], cwd=installed.work,
                                     env=installed.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = STARTUP_S) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines:
                if match := re.search(pattern, line):
                    return match
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            if line is None or time.monotonic() > deadline:
                pytest.fail(f"shine printed nothing matching {pattern!r}:\n{self.output()}", pytrace=False)
            if line:
                self.lines.append(line)

    def server_folders(self) -> list[Path]:
        """The folders the command's servers run in (Voila runs in the folder it serves)."""
        return [Path(child.cwd()).resolve() for child in psutil.Process(self.proc.pid).children()]

    def stop(self) -> int:
        """Ctrl-C, as a trainer stops it, then wait for it to finish."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(STOP_S)
        finally:
            self._drain()

    def kill(self):
        """After a failure: nothing it started may outlive the test."""
        if self.proc.poll() is None:
            try:
                family = [psutil.Process(self.proc.pid), *psutil.Process(self.proc.pid).children(recursive=True)]
            except psutil.Error:
                family = []
            for proc in family:
                try:
                    proc.kill()
                except psutil.Error:
                    pass
            psutil.wait_procs(family, timeout=10)
        self.proc.wait(10)

    def _drain(self):
        while True:
            try:
                line = self._queue.get(timeout=5)
            except queue.Empty:
                return
            if line is None:
                return
            self.lines.append(line)


def get(url: str, timeout: float = STARTUP_S) -> str:
    """The page at ``url`` once it answers 200 (Voila runs the notebook before it answers)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                if response.status == 200:
                    return response.read().decode("utf-8", "replace")
                problem = f"HTTP {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            problem = repr(exc)
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer 200: {problem}", pytrace=False)
        time.sleep(1)


def assert_serves_installed(running, folder) -> None:
    """Voila runs in the installed copy of ``folder``, nowhere in the checkout."""
    folders = running.server_folders()
    assert folder.resolve() in folders, f"Voila serves {folders}, not the installed {folder}"
    assert not any(f == REPO_ROOT or REPO_ROOT in f.parents for f in folders)


def test_serve_serves_the_installed_modules(installed):
    server = Running(installed, "serve", "--port", str(free_port()))
    try:
        base = server.wait_for(r"(http://\S+)").group(1).rstrip("/")
        page = get(f"{base}/voila/render/00-welcome.ipynb")
        assert "Welcome to Time to Shine" in page
        assert_serves_installed(server, installed.curriculum / "modules")
        code = server.stop()
    finally:
        server.kill()
    assert code == 0, server.output()
    assert "Stopped" in server.output()


def test_workshop_serves_the_installed_dashboards(installed):
    workshop = Running(installed, "workshop", "--port", str(free_port()), "--no-qr", "--kiosks", "1")
    try:
        kiosk = workshop.wait_for(r"(http://\S+/voila/render/kiosk\.ipynb)").group(1)
        get(kiosk)
        assert_serves_installed(workshop, installed.curriculum / "facilitator" / "dashboards")
        code = workshop.stop()
    finally:
        workshop.kill()
    assert code == 0, workshop.output()
    assert "Stopped" in workshop.output()
    assert (installed.home / "shine.db").is_file(), "the workshop keeps its posts in SHINE_HOME"
