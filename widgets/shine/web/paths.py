"""Where things are: the curriculum's folders (modules, exercises, facilitator kit) and the folder
for a trainer's own data.

The curriculum is found in this order:

1. ``SHINE_CURRICULUM``: a folder holding ``modules/``, ``exercises/`` and ``facilitator/`` (a
   district's edited copy, or the copy a JupyterHub image puts in a shared place);
2. the checkout this package is running from (``make workshop``, ``make lab``, the tests);
3. the copy installed with the package (``pip install time-to-shine``): the wheel carries the
   three folders as package data under ``shine/curriculum/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from shine.i18n import _

CURRICULUM_ENV = "SHINE_CURRICULUM"
HOME_ENV = "SHINE_HOME"
FOLDERS = ("modules", "exercises", "facilitator")
PACKAGE = Path(__file__).resolve().parents[1]  # .../shine
INSTALLED = PACKAGE / "curriculum"
DATA = PACKAGE / "data"  # files the package ships (the sample plan)


def _is_curriculum(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in FOLDERS)


def checkout_root() -> Path | None:
    """The repository this package is imported from, or None when it is installed."""
    here = PACKAGE.parents[1]  # widgets/shine -> the repository
    return here if _is_curriculum(here) and (here / "pyproject.toml").is_file() else None


def curriculum_root() -> Path:
    """The folder holding ``modules/``, ``exercises/`` and ``facilitator/``."""
    chosen = os.environ.get(CURRICULUM_ENV, "").strip()
    if chosen:
        folder = Path(chosen).expanduser().resolve()
        if not _is_curriculum(folder):
            raise FileNotFoundError(_("{setting}={folder} does not hold the folders {folders}.").format(
                setting=CURRICULUM_ENV, folder=chosen, folders=", ".join(FOLDERS)))
        return folder
    return checkout_root() or INSTALLED


def modules_dir() -> Path:
    return curriculum_root() / "modules"


def exercises_dir() -> Path:
    return curriculum_root() / "exercises"


def dashboards_dir() -> Path:
    return curriculum_root() / "facilitator" / "dashboards"


def guides_dir() -> Path:
    return curriculum_root() / "facilitator" / "guides"


def shine_home() -> Path:
    """A trainer's own data (database, course, exports, logs): ``SHINE_HOME`` or ``~/.time-to-shine``."""
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".time-to-shine")
