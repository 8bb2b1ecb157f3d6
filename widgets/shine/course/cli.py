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
    people = _course(args).collect(args.assignment, args.source)
    print(_("Collected {n} submission(s) of {aid}.").format(n=len(people), aid=args.assignment))
    return 0


def _grade(args) -> int:
    def progress(i: int, n: int, pid: str) -> None:
        print(_("[{i}/{n}] grading {pid} ...").format(i=i, n=n, pid=pid), file=sys.stderr, flush=True)

    report = _course(args).grade(args.assignment, progress=progress)
    print(report.text())
    flagged = sum(1 for r in report.results if r.needs_trainer)
    print(_("{n} participant(s) need your attention.").format(n=flagged) if flagged
          else _("Everyone was graded; nothing needs your attention."))
    return 0


def _feedback(args) -> int:
    result = _course(args).feedback(args.assignment)
    print(_("Feedback written for {n} participant(s); {r} returned through the exchange.").format(
        n=len(result.files), r=len(result.released)))
    if result.bundle:
        print(_("Hand back the others' feedback from {path}").format(path=result.bundle))
    return 0


def _report(args) -> int:
    csv_path, png_path = _course(args).report(args.assignment, args.out)
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

    step("init", _init, _("create the course folder (and import a roster)"), assignment=False).add_argument(
        "--roster", help=_("CSV with an id column (first_name, last_name optional)"))
    author = steps.add_parser("author", help=_("regenerate the exercise notebooks from the content (maintainers)"))
    author.add_argument("--dest", help=_("folder to write to (default: exercises/source)"))
    author.set_defaults(func=_author)
    step("release", _release, _("prepare the participants' version and release it"))
    step("collect", _collect, _("collect submissions from the exchange, or from a folder or zip")).add_argument(
        "--from", dest="source", help=_("a folder or zip of submissions gathered at a workshop"))
    step("grade", _grade, _("grade every submission and list anything that needs you"))
    step("feedback", _feedback, _("write feedback and return it"))
    step("report", _report, _("scores as CSV and a chart of how the room did on each item")).add_argument(
        "--out", help=_("folder for the CSV and the chart"))
