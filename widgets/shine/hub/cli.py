"""``shine hub ...``: the programme on a JupyterHub.

    shine hub demo [--port N] [--lan]     a hub on this machine to try, until Ctrl-C
    shine hub config [--show]             the jupyterhub_config.py to install (or the settings it reads)
"""

from __future__ import annotations

import sys

from shine.i18n import _


def _demo(args) -> int:
    from .demo import run_demo

    return run_demo(port=args.port, lan=args.lan)


def _config(args) -> int:
    from .config import CONFIG_FILE
    from .roster import Roster, RosterError
    from .settings import HubSettings, HubSettingsError

    if not args.show:
        sys.stdout.write(CONFIG_FILE)
        return 0
    try:
        settings = HubSettings.from_env()
        roster = Roster.load(settings.roster) if settings.roster else None
    except (HubSettingsError, RosterError) as exc:
        print(_("The hub cannot start with these settings:"), file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    width = max(len(label) for label, _value in settings.describe())
    for label, value in settings.describe():
        print(f"{label:<{width}}  {value}")
    if roster is not None:
        for group, members in roster.groups().items():
            print(f"  {group}: {', '.join(members)}")
    return 0


def add_hub_commands(sub) -> None:
    hub = sub.add_parser("hub", help=_("the programme on a JupyterHub (one server for a district or the state)"))
    hub_sub = hub.add_subparsers(dest="command_hub", required=True)
    demo = hub_sub.add_parser("demo", help=_("run a JupyterHub on this machine to try, until Ctrl-C (everything in "
                                             "it is temporary)"))
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--lan", action="store_true", help=_("let other devices on this network connect"))
    demo.set_defaults(func=_demo)
    config = hub_sub.add_parser("config", help=_("print the jupyterhub_config.py of a district server"))
    config.add_argument("--show", action="store_true",
                        help=_("instead, check the settings it would read from the environment and show them"))
    config.set_defaults(func=_config)
