"""Puts the curriculum into the wheel (everything else is configured in pyproject.toml).

The folders ``modules/``, ``exercises/`` and ``facilitator/`` sit at the repository root, next to
``widgets/``, so that JupyterLab and Voila show them as they are. A wheel carries them as package
data at ``shine/curriculum/<folder>``, where ``shine.web.paths`` looks when the package is
installed rather than run from a checkout (``pip install time-to-shine``, a JupyterHub image).

Which files: in a git checkout, those git tracks or would track (not ignored), so notebook
checkpoints, caches and a developer's scratch files stay out; elsewhere (building from an sdist)
every file, less the same kinds of clutter. An editable install (``pip install -e .``, what
``make`` does) copies nothing: the checkout itself is found first.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CURRICULUM = ("modules", "exercises", "facilitator")  # shine.web.paths.FOLDERS
TARGET = Path("shine", "curriculum")  # shine.web.paths.INSTALLED, inside the package
CLUTTER_DIRS = {"__pycache__", ".ipynb_checkpoints"}
CLUTTER_SUFFIXES = {".pyc", ".pyo"}


def _git_files() -> list[str] | None:
    """The curriculum files git tracks or would track, or None outside a git checkout of ROOT."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        if Path(top).resolve() != ROOT:  # e.g. an unpacked sdist inside some other repository
            return None
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                                 "--", *CURRICULUM], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in listed.decode("utf-8").split("\0") if name]


def curriculum_files() -> list[str]:
    """Paths relative to ROOT, with / separators, sorted."""
    names = _git_files()
    if names is None:
        names = [Path(dirpath, f).relative_to(ROOT).as_posix()
                 for folder in CURRICULUM for dirpath, _dirs, files in os.walk(ROOT / folder) for f in files]
    return sorted(name for name in set(names)
                  if (ROOT / name).is_file()  # git still lists a file deleted but not yet committed
                  and not CLUTTER_DIRS.intersection(Path(name).parts)
                  and Path(name).suffix not in CLUTTER_SUFFIXES)


class build_py_with_curriculum(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        files = curriculum_files()
        missing = [folder for folder in CURRICULUM if not any(f.startswith(folder + "/") for f in files)]
        if missing:
            raise SystemExit(f"setup.py: no curriculum files found under {', '.join(missing)} in {ROOT}")
        for name in files:
            target = Path(self.build_lib, TARGET, name)
            self.mkpath(str(target.parent))
            self.copy_file(str(ROOT / name), str(target), preserve_mode=False)


setup(cmdclass={"build_py": build_py_with_curriculum})
