"""``shine hub ...``: the programme on a JupyterHub.

    shine hub demo [--port N] [--lan]     a hub on this machine to try, until Ctrl-C
    shine hub config [--show]             the jupyterhub_config.py to install (or the settings it reads)
    shine hub room [CODE] [--name NAME]   create or resume a workshop served by the hub; its key
    shine hub kubernetes [--out DIR]      Zero to JupyterHub values and the single-user Dockerfile
    shine hub sync-db                     the roster's scopes into the store: memberships, roles, policies
    shine course init --hub COURSE        (as root) set up a course of the roster on the hub
"""

from __future__ import annotations

import os
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


def _settings_and_roster():
    from .roster import Roster, RosterError
    from .settings import HubSettings, HubSettingsError

    try:
        settings = HubSettings.from_env()
        return settings, (Roster.load(settings.roster) if settings.roster else Roster())
    except (HubSettingsError, RosterError) as exc:
        print(_("The hub's settings cannot be used:"), file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return None, None


def _room(args) -> int:
    from shine.store import StoreError

    from .rooms import open_room, page_urls

    settings, roster = _settings_and_roster()
    if settings is None:
        return 2
    if not args.code and not args.name:
        print(_("Give the join code of a workshop to resume, or --name for a new one."), file=sys.stderr)
        return 2
    try:
        workshop, key = open_room(settings, code=args.code, name=args.name)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(_("Workshop “{name}”, join code {code}.").format(name=workshop.name, code=workshop.code))
    for page, url in page_urls(settings, workshop.code).items():
        print(f"  {page}: {url}")
    print(_("Facilitator key (the console asks for it; the one given before no longer works): {key}").format(key=key))
    if roster.groups().get("trainers"):
        from .trainers import console_link

        print(_("Trainers open the console with their hub login instead: {url}").format(
            url=console_link(settings, workshop.code)))
    if workshop.code not in roster.rooms:
        print(_("The hub serves it once the roster lists it (rooms: [{code}]) and the hub has restarted.").format(
            code=workshop.code))
    return 0


def _kubernetes(args) -> int:
    from pathlib import Path

    from .kubernetes import render, write
    from .roster import RosterError
    from .settings import HubSettingsError

    roster = args.roster or os.environ.get("SHINE_HUB_ROSTER", "").strip() or None
    try:
        files = render(roster_path=Path(roster) if roster else None)
    except (HubSettingsError, RosterError) as exc:
        print(_("The hub's settings cannot be used:"), file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    for path in write(Path(args.out), files):
        print(_("Wrote {path}").format(path=path))
    return 0


def _sync_db(args) -> int:
    from shine.store import StoreError

    from .dbroles import DbRolesError, sync_db

    settings, roster = _settings_and_roster()
    if settings is None:
        return 2
    try:
        report = sync_db(settings, roster)
    except (StoreError, DbRolesError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(_("{n} membership(s) written to the store.").format(n=report.memberships))
    if report.secured:
        print(_("Database roles of their own: {names}").format(names=", ".join(report.roles) or "-"))
        if report.skipped:
            print(_("Left alone (roles that are not a participant's): {names}").format(names=", ".join(report.skipped)))
        if report.disabled:
            print(_("No longer in the roster, login disabled: {names}").format(names=", ".join(report.disabled)))
        print(_("Row-level security is on for teams, plans, self-assessments and Mini Visits."))
    else:
        print(_("This store is not PostgreSQL: the store's scope applies, but without database roles."))
    return 0


def _course_on_hub(args) -> int:
    from .courses import HubCourseError, init_course

    settings, roster = _settings_and_roster()
    if settings is None:
        return 2
    try:
        course = init_course(settings, roster, args.hub)
    except HubCourseError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(_("Course {course} is ready in {folder}, graded as the OS user {account}, with {n} participant(s).").format(
        course=course.course_id, folder=course.folder, account=course.account, n=course.participants))
    print(_("Restart the hub (systemctl restart jupyterhub): its formgrader is then at {url}").format(
        url=f"{settings.public_url}services/{course.course_id}/formgrader"))
    return 0


def _offer_course_on_hub(sub) -> None:
    """``shine course init --hub COURSE`` is handled here: the course sits below the hub."""
    course = sub.choices.get("course")
    if course is None:
        return
    for action in course._subparsers._group_actions:
        init = getattr(action, "choices", {}).get("init")
        if init is not None:
            init.set_defaults(on_hub=_course_on_hub)


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
    room = hub_sub.add_parser("room", help=_("create (--name) or resume (a join code) a workshop the hub serves as "
                                             "/services/room-<code>/, with a new facilitator key"))
    room.add_argument("code", nargs="?", help=_("the workshop's join code"))
    room.add_argument("--name", help=_("a new workshop's name"))
    room.set_defaults(func=_room)
    sync = hub_sub.add_parser("sync-db", help=_("write the roster's scopes into the store: who sees which teams, a "
                                                "database role per person and row-level security (PostgreSQL)"))
    sync.set_defaults(func=_sync_db)
    kube = hub_sub.add_parser("kubernetes", help=_("write Zero to JupyterHub's Helm values and the single-user "
                                                   "image's Dockerfile from the hub's settings and roster"))
    kube.add_argument("--out", default="deploy/kubernetes", help=_("the folder to write them to"))
    kube.add_argument("--roster", help=_("the roster (default: SHINE_HUB_ROSTER)"))
    kube.set_defaults(func=_kubernetes)
    _offer_course_on_hub(sub)
