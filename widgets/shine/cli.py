"""``shine``: the command line for trainers and maintainers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .i18n import _, set_language


def _content_check(args) -> int:
    from .content import check_dir, content_dir

    directory = Path(args.dir) if args.dir else content_dir()
    curriculum, index, problems = check_dir(directory)
    if problems:
        print(_("The curriculum content in {path} has {n} problem(s):").format(path=directory, n=len(problems)))
        for problem in problems:
            print(f"  - {problem}")
        return 1
    counts = {kind: len(items) for kind, items in sorted(index.items.items())}
    print(_("The curriculum content in {path} is valid.").format(path=directory))
    print("  " + ", ".join(f"{kind}: {n}" for kind, n in counts.items()))
    return 0


def _db_info(args) -> int:
    from .store import Store, StoreError, head_revision

    try:
        store = Store(upgrade=args.command_db == "upgrade")
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    with store:
        print(_("Database: {url}").format(url=store.describe()))
        print(_("Schema: {rev} (newest: {head})").format(rev=store.revision, head=head_revision()))
        if store.revision == head_revision():
            print(_("Workshops: {w}; teams: {t}; posts: {p}").format(
                w=len(store.workshops()), t=len(store.teams()), p=store.count_posts()))
    return 0


def _serve(args) -> int:
    from .workshop import serve

    return serve(Path(args.notebooks) if args.notebooks else None, port=args.port, lan=args.lan)


def _workshop(args) -> int:
    from datetime import date

    from .workshop import run_workshop

    try:
        held_on = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(_("The date {value!r} is not a date; write it like 2026-10-15.").format(value=args.date), file=sys.stderr)
        return 2
    return run_workshop(name=args.name, held_on=held_on, new=args.new, code=args.code, port=args.port, lan=args.lan,
                        kiosk_pool=args.kiosks, qr=not args.no_qr)


# --- shine plan: One-Year Action Plans -------------------------------------------------------


def _plan_open_store():
    from .store import Store, StoreError

    try:
        return Store()
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return None


def _plan_team(store, team: str, district: str | None):
    """A team by number, or by school name (with --district when two districts share a name)."""
    teams = store.teams()
    if team.isdigit():
        found = [t for t in teams if t.id == int(team)]
    else:
        found = [t for t in teams if t.school.casefold() == team.strip().casefold()
                 and (not district or t.district.casefold() == district.strip().casefold())]
    if len(found) == 1:
        return found[0]
    if not found:
        print(_("No team matches {team!r}. Teams: {teams}").format(
            team=team, teams="; ".join(f"{t.id} {t.school} ({t.district})" for t in teams) or _("none yet")),
            file=sys.stderr)
    else:
        print(_("Several teams match {team!r}; add --district or use the number: {teams}").format(
            team=team, teams="; ".join(f"{t.id} {t.school} ({t.district})" for t in found)), file=sys.stderr)
    return None


def _plan_print_report(plan, report) -> None:
    print(_("{school} ({district}), {year}: {summary}").format(
        school=plan.school, district=plan.district, year=plan.school_year,
        summary=_("ready to hand in") if report.ok else _("{n} thing(s) to fix").format(n=len(report.errors))))
    labels = {"error": _("to fix"), "warning": _("advice")}
    for result in report.results:
        mark = "ok " if result.passed else ("!! " if result.rule.severity == "error" else " ? ")
        print(f"  {mark}{result.rule.name}")
        for finding in result.findings:
            print(f"       {labels[finding.severity]}: {finding.message}")


def _plan_export(args) -> int:
    from .export import export, file_name
    from .plan import PlanError, current_school_year, latest

    store = _plan_open_store()
    if store is None:
        return 2
    with store:
        team = _plan_team(store, args.team, args.district)
        if team is None:
            return 2
        year = args.year or current_school_year()
        try:
            found = latest(store, team.id, year)
        except PlanError as exc:
            print(exc, file=sys.stderr)
            return 1
    if found is None:
        print(_("{school} has no plan for {year} yet.").format(school=team.school, year=year), file=sys.stderr)
        return 1
    version, plan = found
    data = export(plan, args.format)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    out = Path(args.out) if args.out else Path(file_name(plan, args.format))
    if out.is_dir():
        out = out / file_name(plan, args.format)
    out.write_bytes(data)
    print(_("Wrote {path} (plan version {n}).").format(path=out, n=version))
    return 0


def _plan_import(args) -> int:
    from .plan import PlanError, load_plan_file, save

    try:
        plan = load_plan_file(args.file)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    store = _plan_open_store()
    if store is None:
        return 2
    with store:
        team = store.ensure_team(plan.district, plan.school)
        version = save(store, team.id, plan, client_id="cli-import")
    print(_("Imported the plan of {school} ({district}) for {year} as version {n}.").format(
        school=plan.school, district=plan.district, year=plan.school_year, n=version))
    return 0


def _plan_check(args) -> int:
    from .plan import PlanError, current_school_year, latest, load_plan_file
    from .plan_rules import check

    try:
        if args.file:
            plan = load_plan_file(args.file)
        else:
            if not args.team:
                print(_("Give a plan file, or --team to check a team's saved plan."), file=sys.stderr)
                return 2
            store = _plan_open_store()
            if store is None:
                return 2
            with store:
                team = _plan_team(store, args.team, args.district)
                if team is None:
                    return 2
                found = latest(store, team.id, args.year or current_school_year())
            if found is None:
                print(_("{school} has no plan for that year yet.").format(school=team.school), file=sys.stderr)
                return 1
            plan = found[1]
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    report = check(plan)
    _plan_print_report(plan, report)
    return 0 if report.ok else 1


def _plan_list(args) -> int:
    from .plan import current_school_year, district_plans

    store = _plan_open_store()
    if store is None:
        return 2
    year = args.year or current_school_year()
    with store:
        district = args.district
        known = {t.district for t in store.teams()}
        if district not in known:
            district = next((d for d in known if d.casefold() == district.strip().casefold()), district)
        rows = district_plans(store, district, year)
    if not rows:
        print(_("No team of {district!r} has opened a plan yet. Districts: {known}").format(
            district=args.district, known="; ".join(sorted(known)) or _("none yet")))
        return 1
    print(_("Plans of {district} for {year}:").format(district=district, year=year))
    width = max(len(r.school) for r in rows)
    for r in rows:
        if r.problem:
            state = _("saved plan cannot be read: {why}").format(why=r.problem)
        elif r.plan is None:
            state = _("no plan yet")
        else:
            status = _("ready") if r.ready else _("{n} to fix").format(n=r.errors)
            reached = [str(i) for i, n in enumerate(r.types.values(), start=1) if n]
            state = _("version {v}: {status}, {w} advice, types {k}/6 ({types})").format(
                v=r.version, status=status, w=r.warnings, k=len(reached), types=" ".join(reached) or "-")
        print(f"  {r.school:<{width}}  {state}")
    return 0


def _plan_commands(sub) -> None:
    from .export import FORMATS

    plan = sub.add_parser("plan", help=_("One-Year Action Plans: export, import, check, list a district's"))
    plan_sub = plan.add_subparsers(dest="command_plan", required=True)
    year_help = _("school year, e.g. 2026-2027 (default: the current one)")
    export = plan_sub.add_parser("export", help=_("write a team's latest plan as a file to hand in"))
    export.add_argument("--team", required=True, help=_("the team's number or school name"))
    export.add_argument("--district", help=_("the district, when two districts have a school of that name"))
    export.add_argument("--year", help=year_help)
    export.add_argument("--format", choices=FORMATS, default="docx")
    export.add_argument("--out", help=_("file or folder to write (default: a name from the school; - for stdout)"))
    export.set_defaults(func=_plan_export)
    imp = plan_sub.add_parser("import", help=_("save a plan file (JSON from the builder) as its team's newest version"))
    imp.add_argument("file", help=_("the plan file (.json) to import"))
    imp.set_defaults(func=_plan_import)
    chk = plan_sub.add_parser("check", help=_("check a plan file (or a team's saved plan) against the rules"))
    chk.add_argument("file", nargs="?", help=_("a plan file (.json); leave out to check a team's saved plan"))
    chk.add_argument("--team", help=_("the team's number or school name"))
    chk.add_argument("--district", help=_("the district, when two districts have a school of that name"))
    chk.add_argument("--year", help=year_help)
    chk.set_defaults(func=_plan_check)
    lst = plan_sub.add_parser("list", help=_("every team of a district: its plan, rule status and types covered"))
    lst.add_argument("--district", required=True, help=_("the district's name, as its teams typed it"))
    lst.add_argument("--year", help=year_help)
    lst.set_defaults(func=_plan_list)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shine", description=_("Time to Shine: family engagement training."))
    parser.add_argument("--version", action="version", version=f"time-to-shine {__version__}")
    parser.add_argument("--lang", help=_("language of messages, e.g. en or es"))
    sub = parser.add_subparsers(dest="command", required=True)

    content = sub.add_parser("content", help=_("check the curriculum content"))
    content_sub = content.add_subparsers(dest="command_content", required=True)
    check = content_sub.add_parser("check", help=_("validate every content file and cross-reference"))
    check.add_argument("--dir", help=_("a content folder to check (default: the installed one)"))
    check.set_defaults(func=_content_check)

    db = sub.add_parser("db", help=_("the database"))
    db_sub = db.add_subparsers(dest="command_db", required=True)
    for name, text in (("info", _("where the database is and what it holds")),
                       ("upgrade", _("create the database or bring its schema up to date"))):
        db_sub.add_parser(name, help=text).set_defaults(func=_db_info)

    serve = sub.add_parser("serve", help=_("serve the modules as web pages (Voila) until Ctrl-C"))
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument("--lan", action="store_true", help=_("let other devices on this network connect"))
    serve.add_argument("--notebooks", help=_("folder of notebooks to serve (default: modules/)"))
    serve.set_defaults(func=_serve)
    _plan_commands(sub)

    workshop = sub.add_parser("workshop", help=_("run a live session: kiosk, live wall and facilitator console"))
    workshop.add_argument("--name", help=_("the workshop's name (default: the agenda template's name)"))
    workshop.add_argument("--date", help=_("the day it is held, e.g. 2026-10-15 (default: today)"))
    workshop.add_argument("--new", action="store_true", help=_("start a new workshop instead of resuming today's"))
    workshop.add_argument("--code", help=_("resume the workshop with this join code"))
    workshop.add_argument("--port", type=int, default=8866)
    workshop.add_argument("--lan", action="store_true", help=_("let phones and kiosks on this network connect"))
    workshop.add_argument("--kiosks", type=int, default=30,
                          help=_("kiosk pages kept ready to open at once, about the number of phones and "
                                 "kiosks in the room (each holds a small process)"))
    workshop.add_argument("--no-qr", action="store_true", help=_("do not print the QR code"))
    workshop.set_defaults(func=_workshop)
    from .course_cli import add_course_commands

    add_course_commands(sub)
    from .facilitator_cli import add_facilitator_commands

    add_facilitator_commands(sub)
    return parser


def _language_asked(argv: list[str]) -> str | None:
    """``--lang`` is read first, so the help text itself comes in the chosen language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_asked(argv)
    if lang:
        set_language(lang)
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
