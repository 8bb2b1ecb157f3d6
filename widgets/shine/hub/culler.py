"""The idle culler as the hub runs it: ``python -m shine.hub.culler --timeout=N --cull-every=N``.

JupyterHub stops a service with SIGINT first. A hub started from a script's background job hands
its services SIGINT set to be ignored, and the culler then only went after SIGKILL, 30 s later,
holding up every stop of the hub; here SIGINT stops it at once, wherever the hub came from.
"""

from __future__ import annotations

import signal


def main() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from jupyterhub_idle_culler import main as culler_main

    try:
        culler_main()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
