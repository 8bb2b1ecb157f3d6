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
    from .course_cli import add_course_commands

    add_course_commands(sub)
    from .facilitator_cli import add_facilitator_commands

    add_facilitator_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.lang:
        set_language(args.lang)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
