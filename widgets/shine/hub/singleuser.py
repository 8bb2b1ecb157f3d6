"""What each participant's server runs: ``python -m shine.hub.singleuser [options]``.

As the participant (never as root), it puts a ``modules`` link in their home folder pointing at
the curriculum's modules (``SHINE_CURRICULUM``, read-only, shared by everyone), so a module opens
at ``/user/<name>/voila/render/modules/01-definition.ipynb`` and updates of the curriculum reach
everybody at once. A file or folder of the participant's own called ``modules`` is never touched.
Then it runs JupyterHub's single-user server (JupyterLab) with the options it was given.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shine.web.paths import modules_dir

LINK = "modules"


def link_modules(home: Path | None = None, target: Path | None = None) -> Path | None:
    """``~/modules`` -> the curriculum's modules; the link, or None when the name is taken."""
    home = Path(home or Path.home())
    target = Path(target or modules_dir())
    link = home / LINK
    if link.is_symlink():
        if Path(os.readlink(link)) == target:
            return link
        link.unlink()  # ours, from an older place of the curriculum
    elif link.exists():
        return None
    link.symlink_to(target, target_is_directory=True)
    return link


def main(argv: list[str] | None = None) -> None:
    try:
        link_modules()
    except OSError as exc:  # a full or read-only home: the server still starts
        print(f"[shine] no link to the modules in the home folder: {exc}", file=sys.stderr)
    from jupyterhub.singleuser import main as singleuser_main

    sys.argv = ["jupyterhub-singleuser", *(sys.argv[1:] if argv is None else argv)]
    singleuser_main()


if __name__ == "__main__":
    main()
