"""``shine agenda``, ``shine guides``, ``shine handouts [all|modules|glossary]``: the facilitator's kit on the
command line."""

from __future__ import annotations

import sys
from pathlib import Path

from shine.i18n import _


def _agenda(args) -> int:
    from . import agenda as ag

    try:
        plan = ag.build(args.template, [m for m in (args.modules or "").split(",") if m.strip()],
                        start=args.start, available_minutes=args.minutes)
    except ag.AgendaError as exc:
        print(exc, file=sys.stderr)
        return 2
    render = {"text": ag.as_text, "md": ag.as_markdown, "html": ag.as_html}[args.format]
    text = render(plan)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(_("wrote {path}").format(path=args.out))
    else:
        print(text)
    return 0 if plan.fits else 1


def _guides(args) -> int:
    from shine.i18n import language

    from .guide import guides_folder, write_all, write_every_language

    if args.guide_lang:
        with language(args.guide_lang) as lang:
            written = write_all(Path(args.dest) if args.dest else guides_folder(lang))
    else:
        written = write_all(Path(args.dest)) if args.dest else write_every_language()
    for path in written:
        print(_("wrote {path}").format(path=path))
    return 0


def _handouts(args) -> int:
    from shine.i18n import get_language, language

    from . import handouts

    def progress(i: int, n: int, module_id: str) -> None:
        print(_("[{i}/{n}] {module}").format(i=i, n=n, module=module_id), file=sys.stderr, flush=True)

    modules = [m for m in args.modules.split(",") if m.strip()] if args.modules else None
    if args.what == handouts.GLOSSARY:
        modules = []
    try:
        with language(args.handout_lang or get_language()):
            written = handouts.build(Path(args.out), modules=modules, guides=not args.no_guides,
                                     glossary=args.what != "modules", pdf=not args.no_pdf, progress=progress)
    except handouts.HandoutError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(_("Wrote {n} files to {path}").format(n=len(written), path=args.out))
    return 0


def _visits_add_schools(args) -> int:
    from shine.store import Store, StoreError
    from shine.store.visits import MiniVisits

    names = list(args.schools)
    if args.file:
        names += [line.strip() for line in Path(args.file).read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        with Store() as store:
            teams = MiniVisits(store).add_schools(args.district, names, args.level)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(_("{n} school(s) in {district}.").format(n=len(teams), district=args.district))
    return 0


def _visits_board(args) -> int:
    from shine.store import Store
    from shine.store.visits import MiniVisits

    with Store() as store:
        text = MiniVisits(store).board_csv(args.district)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(_("wrote {path}").format(path=args.out))
    else:
        print(text, end="")
    return 0


def add_facilitator_commands(sub) -> None:
    visits = sub.add_parser("visits", help=_("Mini Visits: the schools of a district, the progress board"))
    vsub = visits.add_subparsers(dest="command_visits", required=True)
    add = vsub.add_parser("add-schools", help=_("add schools to a district (names, or --file with one per line)"))
    add.add_argument("--district", required=True)
    add.add_argument("--level", choices=("elementary", "middle", "high", "k-8", "k-12", "other"))
    add.add_argument("--file", help=_("a text file with one school per line"))
    add.add_argument("schools", nargs="*")
    add.set_defaults(func=_visits_add_schools)
    board = vsub.add_parser("board", help=_("the progress board as CSV"))
    board.add_argument("--district", help=_("one district (default: all)"))
    board.add_argument("--out", help=_("write to this file"))
    board.set_defaults(func=_visits_board)

    handouts = sub.add_parser("handouts", help=_("printable pages and PDFs of every module and guide, and the glossary"))
    handouts.add_argument("what", nargs="?", choices=("all", "modules", "glossary"), default="all",
                          help=_("all (default); modules: modules and guides only; glossary: only the glossary, "
                                 "in alphabetical order, for interpreters"))
    handouts.add_argument("--out", default="handouts", help=_("folder to write to (default: handouts/)"))
    handouts.add_argument("--modules", help=_("only these module ids, comma-separated"))
    handouts.add_argument("--no-guides", action="store_true", help=_("modules only, no facilitator guides"))
    handouts.add_argument("--lang", dest="handout_lang", help=_("the language of the handouts, e.g. es (default: the session's)"))
    handouts.add_argument("--no-pdf", action="store_true", help=_("HTML pages only"))
    handouts.set_defaults(func=_handouts)

    guides = sub.add_parser("guides", help=_("write the facilitator guide of every module (facilitator/guides/)"))
    guides.add_argument("--dest", help=_("folder to write to (default: facilitator/guides, and facilitator/guides/<lang> "
                                         "for each translation)"))
    guides.add_argument("--lang", dest="guide_lang", help=_("one language only, e.g. es (default: every language)"))
    guides.set_defaults(func=_guides)

    agenda = sub.add_parser("agenda", help=_("a timed run-of-show from a template and chosen modules"))
    agenda.add_argument("--template", default="regional-meeting", help=_("regional-meeting or mini-visit"))
    agenda.add_argument("--modules", help=_("module ids, comma-separated, e.g. 01-definition,05-plays"))
    agenda.add_argument("--start", default="09:00", help=_("start time, e.g. 15:00"))
    agenda.add_argument("--minutes", type=int, help=_("time available (default: the template's length)"))
    agenda.add_argument("--format", choices=("text", "md", "html"), default="text")
    agenda.add_argument("--out", help=_("write to this file instead of the screen"))
    agenda.set_defaults(func=_agenda)
