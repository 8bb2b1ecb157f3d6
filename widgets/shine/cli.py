"""``shine``: the command line for trainers and maintainers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shine import __version__
from shine.i18n import _, set_language
from shine.plan.cli import add_plan_commands


def _content_check(args) -> int:
    from shine.content import ContentError, check_dir, content_dir

    directory = Path(args.dir) if args.dir else content_dir()
    curriculum, index, problems = check_dir(directory)
    if [p.code for p in problems] == ["no-content"]:  # a wrong folder: one sentence, not 25 missing files
        raise ContentError(directory, problems)
    if problems:
        print(_("The curriculum content in {path} has {n} problem(s):").format(path=directory, n=len(problems)))
        for problem in problems:
            print(f"  - {problem}")
        return 1
    counts = {kind: len(items) for kind, items in sorted(index.items.items())}
    print(_("The curriculum content in {path} is valid.").format(path=directory))
    print("  " + ", ".join(f"{kind}: {n}" for kind, n in counts.items()))
    return 0


def _content_readability(args) -> int:
    from shine.content import content_dir
    from shine.content.readability import EXEMPT, MIN_WORDS, TARGETS, measure
    from shine.web.paths import curriculum_root

    directory = Path(args.dir) if args.dir else content_dir()
    if args.text_lang == "es":
        return _spanish_readability(args)
    report = measure(directory, None if args.no_notebooks else curriculum_root())
    shown = sorted(report.readings if args.all else report.above_8, key=lambda r: -r.grade)
    summary = _("{n} texts of {words}+ words; median grade {median:.1f} (target {target:g}); {above8} above grade 8 "
                "({share:.0%}, at most {limit:.0%}); {above10} above grade {max:g} (none allowed).").format(
        n=len(report.readings), words=MIN_WORDS, median=report.median, target=TARGETS["median"],
        above8=len(report.above_8), share=report.above_8_share, limit=TARGETS["above_8_share"],
        above10=len(report.above_10), max=TARGETS["max"])
    summary += "\n" + _("Not measured: {n} exemptions, listed in shine/content/readability.py.").format(n=len(EXEMPT))
    return _readability_verdict(shown, "{:5.1f}", summary, report.failures())


def _readability_verdict(shown: list, number: str, summary: str, failures: list[str]) -> int:
    """The texts worth a look, the totals, then whether the targets are met (exit 1 when not)."""
    for reading in shown:
        print(f"{number.format(reading.grade)}  {reading.where}\n       {reading.preview}")
    print(summary)
    if failures:
        print(_("Too hard to read: {what}.").format(what="; ".join(failures)))
        return 1
    print(_("Every readability target is met."))
    return 0


def _i18n_update(args) -> int:
    from shine.content import english
    from shine.content.translate import DOMAIN, messages
    from shine.i18n.catalogs import template_path, update_domain

    from shine.i18n import translations
    from shine.kit import notebooks
    from shine.web.paths import modules_dir

    modules = modules_dir()
    for domain, entries in ((DOMAIN, list(messages(english()))),
                            (notebooks.DOMAIN, list(notebooks.messages(modules)))):
        results = update_domain(domain, entries)
        print(_("Wrote {path}: {n} entries.").format(path=template_path(domain), n=len(entries)))
        for r in results:
            print(_("{lang}: {new} new, {outdated} outdated (English changed: marked fuzzy), {removed} set aside.").format(
                lang=r.lang, new=r.new, outdated=r.outdated, removed=r.removed))
    translations.cache_clear()  # the catalogs just written
    for r in results:
        written = notebooks.write_copies(modules, r.lang, translations(r.lang, notebooks.DOMAIN).pgettext)
        print(_("{lang}: {n} module notebook(s) rewritten in {folder}.").format(
            lang=r.lang, n=len(written), folder=modules / r.lang))
    return 0


def _i18n_check(args) -> int:
    from shine.i18n.catalogs import DOMAINS, check, languages

    langs = [args.catalog_lang] if args.catalog_lang else languages()
    complete = True
    for lang in langs:
        for domain in DOMAINS:
            r = check(lang, domain)
            problems = [(_("untranslated"), r.untranslated), (_("outdated (fuzzy)"), r.fuzzy),
                        (_("placeholders differ from the English"), r.placeholders),
                        (_("missing: run make i18n"), r.missing),
                        (_("a fixed term translated another way (see i18n/terms)"), r.terms)]
            if r.complete:
                print(_("{lang}/{domain}: {n} entries, all translated.").format(lang=lang, domain=domain, n=r.total))
                continue
            complete = False
            counts = ", ".join(f"{len(found)} {what}" for what, found in problems if found)
            print(_("{lang}/{domain}: {n} entries; {counts}.").format(lang=lang, domain=domain, n=r.total, counts=counts))
            for what, found in problems:
                for label in found[:args.show]:
                    print(f"  - {what}: {label[:110]}")
    return 0 if complete else 1


def _spanish_readability(args) -> int:
    from shine.content import english, load
    from shine.content.readability import MIN_WORDS, SPANISH_MEDIAN_EASE, measure_spanish
    from shine.i18n import language

    with language("es"):
        report = measure_spanish(load(), english())
    hard = [r for r in report.readings if r.grade < 50]  # "fairly difficult" and below
    summary = _("{n} Spanish texts of {words}+ words; median reading ease (Fernández-Huerta) {median:.0f} "
                "(target: {target:g} or more); {hard} below 50.").format(
        n=len(report.readings), words=MIN_WORDS, median=report.median, target=SPANISH_MEDIAN_EASE, hard=len(hard))
    shown = sorted(report.readings if args.all else hard, key=lambda r: r.grade)
    return _readability_verdict(shown, "{:5.0f}", summary, report.failures())


def _db_info(args) -> int:
    """``shine db info`` / ``upgrade``: exit 1 when the database cannot be used as it is."""
    from shine.store import Store, StoreError, head_revision
    from shine.store.engine import check_known

    upgrading = args.command_db == "upgrade"
    try:
        store = Store(upgrade=upgrading)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2 if upgrading else 1
    problem = store.problem
    with store:
        print(_("Database: {url}").format(url=store.describe()))
        print(_("Schema: {rev} (newest: {head})").format(rev=store.revision, head=head_revision()))
        try:
            check_known(store.revision, store.where)
            if store.revision == head_revision():
                print(_("Workshops: {w}; teams: {t}; posts: {p}").format(
                    w=len(store.room.workshops()), t=len(store.teams.all()), p=store.room.count_posts()))
        except StoreError as exc:
            problem = exc
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    return 0


def _db_check(args) -> int:
    from shine.store import StoreError
    from shine.store.checks import SHOWN_PROBLEMS, damage_advice, integrity

    try:
        result = integrity()
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    if result.path is None:
        print(_("{where}: PostgreSQL looks after its own files; its pg_amcheck program checks them.").format(
            where=result.where))
        return 0
    if result.ok:
        print(_("{where}: no damage found (PRAGMA integrity_check).").format(where=result.where))
        return 0
    print(_("{where} is damaged: {n} problem(s) found (PRAGMA integrity_check).").format(
        where=result.where, n=len(result.problems)))
    for line in result.problems[:SHOWN_PROBLEMS]:
        print(f"  - {line}")
    if len(result.problems) > SHOWN_PROBLEMS:
        print("  ...")
    print(damage_advice(result.path))
    return 1


def _db_rescue(args) -> int:
    from shine.store import StoreError
    from shine.store.checks import integrity
    from shine.store.rescue import rescue

    try:
        source = integrity().path
        if source is None:
            print(_("Only an SQLite file can be rescued this way; PostgreSQL has its own tools."), file=sys.stderr)
            return 2
        target = Path(args.target).expanduser().resolve()
        report = rescue(source, target)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    for item in report:
        print(_("{table}: {rows} rows copied; {lost} row ids could not be read.").format(
            table=item.table, rows=item.rows, lost=item.unreadable))
    print(_("Rescued into {target}; {source} is unchanged. Check the copy with `SHINE_DB_URL=sqlite:///{target} "
            "shine db info`, then put it in place of the damaged file.").format(target=target, source=source))
    return 0


def _db_stamp(args) -> int:
    from shine.store import StoreError
    from shine.store.checks import stamp

    try:
        revision = stamp()
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(_("Recorded schema {rev}: its tables match this version's exactly.").format(rev=revision))
    return 0


def _serve(args) -> int:
    from shine.room.server import serve

    return serve(Path(args.notebooks) if args.notebooks else None, port=args.port, lan=args.lan, pool=args.pool,
                 agenda=args.agenda, expected=args.expected)


def _workshop(args) -> int:
    from datetime import date

    from shine.room.languages import parse_languages
    from shine.room.session import run_workshop

    try:
        held_on = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(_("The date {value!r} is not a date; write it like 2026-10-15.").format(value=args.date), file=sys.stderr)
        return 2
    try:
        languages = parse_languages(args.room_lang)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return run_workshop(name=args.name, held_on=held_on, new=args.new, code=args.code, port=args.port, lan=args.lan,
                        kiosk_pool=args.kiosks, qr=not args.no_qr, languages=languages, modules=not args.no_modules)


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
    readability = content_sub.add_parser(
        "readability", help=_("grade every participant-facing text (Flesch-Kincaid) against the plain-language targets"))
    readability.add_argument("--dir", help=_("a content folder to grade (default: the installed one)"))
    readability.add_argument("--all", action="store_true", help=_("list every text, not only those above grade 8"))
    readability.add_argument("--no-notebooks", action="store_true", help=_("grade the content files only"))
    readability.add_argument("--lang", dest="text_lang", choices=["en", "es"], default="en",
                             help=_("es: the Spanish translation's reading ease (Fernández-Huerta) instead"))
    readability.set_defaults(func=_content_readability)

    i18n = sub.add_parser("i18n", help=_("the translation catalogs"))
    i18n_sub = i18n.add_subparsers(dest="command_i18n", required=True)
    i18n_sub.add_parser("update", help=_("extract the curriculum's text into content.pot and update every language's "
                                         "content.po (changed English is marked fuzzy)")).set_defaults(func=_i18n_update)
    i18n_check = i18n_sub.add_parser("check", help=_("report untranslated, outdated and mismatched entries; "
                                                     "exit 1 on any"))
    i18n_check.add_argument("--lang", dest="catalog_lang",
                            help=_("one language (default: every language with a catalog)"))
    i18n_check.add_argument("--show", type=int, default=10, help=_("entries listed per kind of problem"))
    i18n_check.set_defaults(func=_i18n_check)

    db = sub.add_parser("db", help=_("the database"))
    db_sub = db.add_subparsers(dest="command_db", required=True)
    for name, text, func in (
            ("info", _("where the database is and what it holds; exit 1 when it cannot be used as it is "
                       "(damaged, read-only, from a newer version)"), _db_info),
            ("upgrade", _("create the database or bring its schema up to date"), _db_info),
            ("check", _("check every page of the SQLite file for damage (PRAGMA integrity_check); exit 1 "
                        "on damage, with what to do"), _db_check),
            ("stamp", _("record the schema of a database whose tables match this version's but whose "
                        "record of it was lost"), _db_stamp)):
        db_sub.add_parser(name, help=text).set_defaults(func=func)
    rescue = db_sub.add_parser("rescue", help=_("copy every row that can still be read from a damaged SQLite "
                                                "file into a new file; the damaged file is not changed"))
    rescue.add_argument("target", help=_("the new database file to write"))
    rescue.set_defaults(func=_db_rescue)

    serve = sub.add_parser("serve", help=_("serve the modules as web pages (Voila) until Ctrl-C"))
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument("--lan", action="store_true", help=_("let other devices on this network connect"))
    serve.add_argument("--notebooks", help=_("folder of notebooks to serve (default: modules/)"))
    serve.add_argument("--pool", type=int, default=1, metavar="N",
                       help=_("pages kept ready to open at once for each module (0: none; each holds about "
                              "40 MB of memory)"))
    serve.add_argument("--agenda", metavar="CODE",
                       help=_("keep the pages ready where a workshop's agenda is going instead: the module the "
                              "room opens next, sized for the room (the workshop's join code, or 'today')"))
    serve.add_argument("--expected", type=int, default=30, metavar="N",
                       help=_("with --agenda: people expected, until their devices join at the kiosk"))
    serve.set_defaults(func=_serve)
    add_plan_commands(sub)

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
    workshop.add_argument("--no-modules", action="store_true",
                          help=_("do not serve the module pages (by default they are served on the next port, "
                                 "kept ready where the agenda is going)"))
    workshop.add_argument("--lang", dest="room_lang", metavar="LANG",
                          help=_("the room's language: en, es, or bilingual (English and Spanish side by side on "
                                 "the wall; each kiosk switches on its own page). Default: the language of "
                                 "messages; a resumed workshop keeps its own"))
    workshop.set_defaults(func=_workshop)
    from shine.course.cli import add_course_commands

    add_course_commands(sub)
    from shine.kit.cli import add_facilitator_commands

    add_facilitator_commands(sub)
    from shine.hub.cli import add_hub_commands

    add_hub_commands(sub)
    return parser


def _language_asked(argv: list[str]) -> str | None:
    """``--lang`` is read first, so the help text itself comes in the chosen language. Only the
    program's own ``--lang``, before the command: a command's ``--lang`` (``shine i18n check --lang
    es``) names the language it works on, not the language of its messages."""
    for i, arg in enumerate(argv):
        if not arg.startswith("-"):
            return None  # the command: what follows is its own
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
    try:
        return args.func(args)
    except FileNotFoundError as exc:  # a folder of notebooks or SHINE_CURRICULUM that is not there
        print(exc.args[0] if len(exc.args) == 1 else exc, file=sys.stderr)
        return 2
    except Exception as exc:  # content that does not load, for any command: its problems, not a traceback
        from shine.content import ContentError  # here, so that --help does not load pydantic

        if not isinstance(exc, ContentError):
            raise
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
