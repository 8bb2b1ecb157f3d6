"""``shine plan ...``: One-Year Action Plans from the command line (export, import, check, list,
history, restore)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from shine.i18n import _, ngettext


def _plan_open_store():
    from shine.store import Store, StoreError

    try:
        return Store()
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return None


def _plan_team(store, team: str, district: str | None):
    """A team by number, or by school name (with --district when two districts share a name)."""
    teams = store.teams.all()
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


def _saved_plan(args):
    """``(version, plan)``: ``--team``'s latest plan for ``--year``, or the exit code after saying why not."""
    from .model import current_school_year, latest

    store = _plan_open_store()
    if store is None:
        return 2
    with store:
        team = _plan_team(store, args.team, args.district)
        if team is None:
            return 2
        year = args.year or current_school_year()
        found = latest(store, team.id, year)  # PlanError: the caller says what is wrong with it
    if found is None:
        print(_("{school} has no plan for {year} yet.").format(school=team.school, year=year), file=sys.stderr)
        return 1
    return found


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
    from .export import export, plan_path
    from .model import PlanError

    try:
        saved = _saved_plan(args)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    if isinstance(saved, int):
        return saved
    version, plan = saved
    data = export(plan, args.format, lang=args.plan_lang)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    # A folder (or none: the current one) gets the plan's own name, never another school's file.
    out = Path(args.out) if args.out else plan_path(plan, args.format)
    if out.is_dir():
        out = plan_path(plan, args.format, out)
    out.write_bytes(data)
    print(_("Wrote {path} (plan version {n}).").format(path=out, n=version))
    return 0


def _plan_import(args) -> int:
    from .model import PlanError, load_plan_file, save

    try:
        plan = load_plan_file(args.file)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    store = _plan_open_store()
    if store is None:
        return 2
    with store:
        team = store.teams.ensure(plan.district, plan.school)
        version = save(store, team.id, plan, client_id="cli-import")
    print(_("Imported the plan of {school} ({district}) for {year} as version {n}.").format(
        school=plan.school, district=plan.district, year=plan.school_year, n=version))
    return 0


def _plan_check(args) -> int:
    from .model import PlanError, load_plan_file
    from .rules import check

    try:
        if args.file:
            plan = load_plan_file(args.file)
        else:
            if not args.team:
                print(_("Give a plan file, or --team to check a team's saved plan."), file=sys.stderr)
                return 2
            saved = _saved_plan(args)
            if isinstance(saved, int):
                return saved
            plan = saved[1]
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    report = check(plan)
    _plan_print_report(plan, report)
    return 0 if report.ok else 1


def _plan_list(args) -> int:
    from .district import district_plans
    from .model import current_school_year

    store = _plan_open_store()
    if store is None:
        return 2
    year = args.year or current_school_year()
    with store:
        district = args.district
        known = {t.district for t in store.teams.all()}
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


def _plan_versions(args, act) -> int:
    """Open the store, find ``args.team``'s plan for ``args.year`` and run ``act(store, team, year)``."""
    from .model import current_school_year

    store = _plan_open_store()
    if store is None:
        return 2
    with store:
        team = _plan_team(store, args.team, args.district)
        if team is None:
            return 2
        year = args.year or current_school_year()
        if not store.plans.versions(team.id, year):
            print(_("{school} has no plan for {year} yet.").format(school=team.school, year=year), file=sys.stderr)
            return 1
        return act(store, team, year)


def _plan_history(args) -> int:
    from .versions import history

    def show(store, team, year) -> int:
        found = history(store, team.id, year, with_data=True)
        print(ngettext("{school} ({district}), {year}: {n} version", "{school} ({district}), {year}: {n} versions, "
                       "newest first", len(found)).format(school=team.school, district=team.district, year=year,
                                                          n=len(found)))
        for v in found:
            when = v.saved_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            restored = " " + _("(restored from version {n})").format(n=v.restored_from) if v.restored_from else ""
            print(f"  {v.version:>5}  {when}  {v.summary()}{restored}")
        print(_("Bring one back with: shine plan restore {team} VERSION").format(team=shlex.quote(args.team)))
        return 0

    return _plan_versions(args, show)


def _plan_restore(args) -> int:
    from .model import PlanError
    from .versions import restore

    def bring_back(store, team, year) -> int:
        latest = store.plans.versions(team.id, year)[-1][0]
        if args.version == latest:
            print(_("Version {n} is already the newest; nothing to do.").format(n=latest))
            return 0
        try:
            saved = restore(store, team.id, year, args.version)
        except PlanError as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            return 1
        print(_("Restored version {old} of the plan of {school} for {year} as version {n}; every earlier version "
                "is kept.").format(old=args.version, school=team.school, year=year, n=saved.version))
        return 0

    return _plan_versions(args, bring_back)


def add_plan_commands(sub) -> None:
    from .export import FORMATS

    plan = sub.add_parser("plan", help=_("One-Year Action Plans: export, import, check, list a district's, "
                                         "history, restore"))
    plan_sub = plan.add_subparsers(dest="command_plan", required=True)
    year_help = _("school year, e.g. 2026-2027 (default: the current one)")
    export = plan_sub.add_parser("export", help=_("write a team's latest plan as a file to hand in"))
    export.add_argument("--team", required=True, help=_("the team's number or school name"))
    export.add_argument("--district", help=_("the district, when two districts have a school of that name"))
    export.add_argument("--year", help=year_help)
    export.add_argument("--format", choices=FORMATS, default="docx")
    export.add_argument("--out", help=_("file or folder to write (default: a name from the school; - for stdout)"))
    export.add_argument("--lang", dest="plan_lang",
                        help=_("the language of the file's labels, e.g. es (default: the session's)"))
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
    team_help = _("the team's number or school name")
    district_help = _("the district, when two districts have a school of that name")
    hist = plan_sub.add_parser("history", help=_("every saved version of a team's plan, newest first"))
    hist.add_argument("team", help=team_help)
    hist.add_argument("--district", help=district_help)
    hist.add_argument("--year", help=year_help)
    hist.set_defaults(func=_plan_history)
    rest = plan_sub.add_parser("restore", help=_("save an earlier version of a team's plan again as the newest"))
    rest.add_argument("team", help=team_help)
    rest.add_argument("version", type=int, help=_("the version to bring back (see shine plan history)"))
    rest.add_argument("--district", help=district_help)
    rest.add_argument("--year", help=year_help)
    rest.set_defaults(func=_plan_restore)
