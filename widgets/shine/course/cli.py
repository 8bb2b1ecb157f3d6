"""``shine course ...``: the trainer's grading cycle from the command line (see ``shine.course.pipeline``)."""

from __future__ import annotations

import sys
from pathlib import Path

from shine.i18n import _


def _course(args):
    from .pipeline import Course

    return Course(args.dir)


def _init(args) -> int:
    from .pipeline import Course

    if args.hub:  # a course on the hub: shine.hub fills in on_hub (it sits above the course)
        on_hub = getattr(args, "on_hub", None)
        if on_hub is None:
            print(_("This installation has no hub support (shine.hub)."), file=sys.stderr)
            return 2
        return on_hub(args)
    course = Course.init(args.dir, roster=args.roster)
    print(_("Course ready at {path} with {n} participant(s) and these exercises: {ids}").format(
        path=course.root, n=len(course.roster()), ids=", ".join(course.assignment_ids())))
    return 0


def _author(args) -> int:
    from shine.web.paths import exercises_dir

    from .sources import write_sources

    for path in write_sources(Path(args.dest) if args.dest else exercises_dir() / "source"):
        print(_("wrote {path}").format(path=path))
    return 0


def _release(args) -> int:
    path = _course(args).release(args.assignment)
    print(_("Released {aid}: participants can fetch it now ({path}).").format(aid=args.assignment, path=path))
    return 0


def _collect(args) -> int:
    from .flags import Flag

    result = _course(args).collect(args.assignment, args.source, add_to_roster=args.add_to_roster)
    print(_("Collected {n} submission(s) of {aid}.").format(n=len(result.collected), aid=args.assignment))
    for name, why in result.refused.items():
        print("  " + _("Not collected: the folder {name!r} is not a participant id ({why}). Rename it and collect "
                       "again.").format(name=name, why=why))
    if result.not_on_roster:
        print("  " + _("Not on the roster (collected, not added): {ids}. To add them: shine course collect {aid} "
                       "--add-to-roster").format(ids=", ".join(result.not_on_roster), aid=args.assignment))
    if result.added:
        print("  " + _("Added to the roster: {ids}").format(ids=", ".join(result.added)))
    for pid, found in result.findings.items():
        for f in found:
            print(f"  {pid}: {Flag(f['code'], f.get('detail', '')).message}")
    return 0


def _grade(args) -> int:
    from .flags import sandbox_warning
    from .sandbox import sandbox_problem

    if sandbox_problem():
        print(sandbox_warning(sandbox_problem()), file=sys.stderr, flush=True)

    def progress(i: int, n: int, pid: str) -> None:
        print(_("[{i}/{n}] graded {pid}").format(i=i, n=n, pid=pid), file=sys.stderr, flush=True)

    with quiet_libraries():
        report = _course(args).grade(args.assignment, progress=progress, workers=args.workers)
    print(report.text())
    flagged = sum(1 for r in report.results if r.needs_trainer)
    print(_("{n} participant(s) need your attention.").format(n=flagged) if flagged
          else _("Everyone was graded; nothing needs your attention."))
    return 0


def quiet_libraries():
    """Library warnings (SQLAlchemy, Jupyter, nbgrader's own log) stay out of the trainer's terminal."""
    import contextlib
    import logging
    import warnings

    @contextlib.contextmanager
    def quiet():
        loggers = [logging.getLogger(name) for name in ("traitlets", "NbGraderAPI", "nbgrader", "sqlalchemy")]
        levels = [lg.level for lg in loggers]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for lg in loggers:
                lg.setLevel(logging.CRITICAL)
            try:
                yield
            finally:
                for lg, level in zip(loggers, levels):
                    lg.setLevel(level)

    return quiet()


def _feedback(args) -> int:
    with quiet_libraries():
        result = _course(args).feedback(args.assignment)
    print(_("Feedback written for {n} participant(s); {r} returned through the exchange.").format(
        n=len(result.files), r=len(result.released)))
    if result.bundle:
        print(_("Hand back the others' feedback from {path}").format(path=result.bundle))
    if result.without:
        print(_("No feedback for {n} participant(s):").format(n=len(result.without)))
        for pid, why in result.without.items():
            print(f"  {pid}: {why}")
    return 0


def _report(args) -> int:
    course = _course(args)
    for seen in args.seen or []:
        pid, _sep, code = seen.partition(":")
        n = course.mark_seen(args.assignment, pid, code or None)
        print(_("Marked {n} flag(s) of {pid} as seen.").format(n=n, pid=pid))
    with quiet_libraries():
        csv_path, png_path = course.report(args.assignment, args.out)
    flags = course.unresolved(args.assignment)
    if flags:
        from .flags import Flag

        print(_("Flags not yet marked seen (mark one with --seen PARTICIPANT:CODE, or all of a participant's "
                "with --seen PARTICIPANT):"))
        for pid, found in sorted(flags.items()):
            for e in found:
                print(f"  {pid}  [{e['code']}]  {Flag(e['code'], e.get('detail', '')).message}")
    print(_("Scores: {csv}\nChart: {png}").format(csv=csv_path, png=png_path))
    return 0


def _plainly(func):
    """A trainer sees what to do, not a traceback."""

    def run(args) -> int:
        from .pipeline import CourseError

        try:
            return func(args)
        except CourseError as exc:
            print(exc, file=sys.stderr)
            return 2

    return run


def add_course_commands(sub) -> None:
    course = sub.add_parser("course", help=_("exercises: release, collect, grade and return them (nbgrader)"))
    steps = course.add_subparsers(dest="command_course", required=True)

    def step(name, func, text, *, assignment=True):
        parser = steps.add_parser(name, help=text)
        parser.add_argument("--dir", help=_("the course folder (default: ~/.time-to-shine/course)"))
        if assignment:
            parser.add_argument("assignment", help=_("the exercise, e.g. principles-in-practice"))
        parser.set_defaults(func=_plainly(func))
        return parser

    init = step("init", _init, _("create the course folder (and import a roster)"), assignment=False)
    init.add_argument("--roster", help=_("CSV with an id column (first_name, last_name optional)"))
    init.add_argument("--hub", metavar="COURSE",
                      help=_("on a JupyterHub, as root: set up the roster's course COURSE (grader account, folder, "
                             "gradebook, formgrader service)"))
    author = steps.add_parser("author", help=_("regenerate the exercise notebooks from the content (maintainers)"))
    author.add_argument("--dest", help=_("folder to write to (default: exercises/source)"))
    author.set_defaults(func=_author)
    step("release", _release, _("prepare the participants' version and release it"))
    collect = step("collect", _collect, _("collect submissions from the exchange, or from a folder or zip"))
    collect.add_argument("--from", dest="source", help=_("a folder or zip of submissions gathered at a workshop"))
    collect.add_argument("--add-to-roster", action="store_true",
                         help=_("add participants who are not on the roster yet (otherwise they are only listed)"))
    step("grade", _grade, _("grade every submission and list anything that needs you")).add_argument(
        "--workers", type=int, help=_("how many submissions to grade at once (default: one per core)"))
    step("feedback", _feedback, _("write feedback and return it"))
    report = step("report", _report, _("scores as CSV and a chart of how the room did on each item; flags not yet seen"))
    report.add_argument("--out", help=_("folder for the CSV and the chart"))
    report.add_argument("--seen", action="append", metavar="PARTICIPANT[:CODE]",
                        help=_("mark a participant's flag (or all their flags) as seen"))
