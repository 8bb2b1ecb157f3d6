"""Answers to the graded exercises, kept in ``answers.json`` beside the notebook.

The exercise form (``shine.course.widgets``) writes the file as the participant chooses, so
nbgrader's autograde, which re-executes the notebook in the submission folder, grades exactly
what was chosen. Reading is forgiving: a missing, damaged or edited file never crashes a
notebook; it is reported in plain words and whatever is valid in it is kept.

The file also records the participant's language (``"language": "es"``): the option and item
ids are the same in every language, so the grade is too, and ``check`` speaks that language.

In a test cell, ``check(answers, item_id)`` prints kind feedback and returns the points earned,
which nbgrader takes as partial credit. An item with no answer at all raises
:class:`NotAnswered`, a short message with no traceback: that is how an unanswered released
notebook fails, and how ``nbgrader validate`` tells a participant what is left to do.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from shine import content
from shine.i18n import _, available_languages, get_language, language
from shine.plan.model import PLAN_FILE
from shine.web.paths import DATA

ANSWER_FILE = "answers.json"
SAMPLE_PLAN = DATA / "sample_plan_high_school.json"
FORMAT_VERSION = 1
IMPACT_LEVELS = ("higher", "moderate", "lower")
QUESTIONS = ("principle", "impact", "capacity", "family_role")


class NotAnswered(AssertionError):
    """An item the participant has not answered yet; shown as one friendly line."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return [str(self)]


@dataclass
class Answers:
    assignment_id: str
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    status: str = "ok"  # ok | missing | corrupt | partly-invalid | key
    plan: object | None = None  # a shine.plan.model.Plan, for the plan exercise
    language: str | None = None  # the participant's, as saved; None in files older than the field

    def get(self, item_id: str, question: str) -> str | None:
        return self.values.get(item_id, {}).get(question)


# --- what each item asks ----------------------------------------------------------------------


def assignment(assignment_id: str):
    return content.get("assignment", assignment_id)


def questions(item) -> list[str]:
    """The questions an item asks, in the order they are shown."""
    asked = []
    if item.principle:
        asked.append("principle")
    if item.example:
        asked.append("impact")
    if item.capacity:
        asked.append("capacity")
    if item.family_role:
        asked.append("family_role")
    return asked


def options(assignment_id: str, question: str) -> list[tuple[str, str]]:
    """``(label, option_id)`` pairs offered for a question, from content."""
    if question == "principle":
        return [(f"{p.number}. {p.name}", p.id) for p in sorted(content.items("principle"), key=lambda p: p.number)]
    if question == "impact":
        labels = {"higher": _("Higher impact"), "moderate": _("Moderate impact"), "lower": _("Lower impact")}
        return [(labels[level], level) for level in IMPACT_LEVELS]
    if question == "capacity":
        return [(c.name, c.id) for c in content.items("capacity")]
    if question == "family_role":
        version = assignment(assignment_id).family_roles_version
        role_ids = content.get("dcbf_version", version).family_roles if version else [
            r.id for r in content.items("family_role")]
        return [(content.get("family_role", r).name, r) for r in role_ids]
    raise ValueError(question)


def key(item, question: str) -> list[str]:
    if question == "impact":
        return [content.get("impact_example", item.example).impact]
    return list(getattr(item, question))


def prompt(item) -> str:
    return item.prompt or content.get("impact_example", item.example).practice


def max_points(item) -> int:
    return len(questions(item))


# --- reading and writing the answer file ----------------------------------------------------------


def answer_path(folder: Path | str | None = None) -> Path:
    return Path(folder or Path.cwd()) / ANSWER_FILE


def _say(message: str) -> None:
    print(message)


def _known_language(value) -> str | None:
    return value if isinstance(value, str) and value in available_languages() else None


def _speaking(lang: str | None):
    """Run a block in the participant's language; in the session's when none was recorded."""
    return language(lang) if lang else nullcontext()


def saved_language(folder: Path | str | None = None) -> str | None:
    """The participant's language as recorded beside the notebook: the answer file's, else the
    plan file's; None when neither records one (or cannot be read)."""
    for name in (ANSWER_FILE, PLAN_FILE):
        try:
            raw = json.loads((Path(folder or Path.cwd()) / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(raw, dict) and _known_language(raw.get("language")):
            return raw["language"]
    return None


def _plan_exercise_id() -> str | None:
    return next((a.id for a in content.items("assignment") if a.plan_rules), None)


def _is_plan_exercise(assignment_id: str | None) -> bool:
    return bool(assignment_id) and bool(assignment(assignment_id).plan_rules)


def _load_plan(folder, say) -> Answers:
    from shine.plan.model import PlanError, load_plan_file

    answers = Answers(_plan_exercise_id() or "")
    path = Path(folder or Path.cwd()) / PLAN_FILE
    if not path.exists():
        say(_("No plan saved yet: write your plan in the builder above, then run this cell again."))
        answers.status = "missing"
        answers.problems.append(_("The plan file {name} is missing.").format(name=PLAN_FILE))
        return answers
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        answers.language = _known_language(raw.get("language")) if isinstance(raw, dict) else None
    except (OSError, ValueError, UnicodeDecodeError):
        pass  # load_plan_file says what is wrong
    try:
        answers.plan = load_plan_file(path)
    except (PlanError, OSError, ValueError) as exc:
        with _speaking(answers.language):
            say(_("Your saved plan could not be read (the file is damaged). Open the builder above; "
                  "your plan is also kept in the workshop's store."))
            answers.status = "corrupt"
            answers.problems.append(_("The plan file {name} is damaged: {detail}").format(name=PLAN_FILE, detail=exc))
    return answers


def key_answers(assignment_id: str) -> Answers:
    """The answer key as if a participant had answered everything right (trainer's copy)."""
    a = assignment(assignment_id)
    if a.plan_rules:
        from shine.plan.model import load_plan_file

        return Answers(a.id, status="key", plan=load_plan_file(SAMPLE_PLAN))
    values = {item.id: {q: key(item, q)[0] for q in questions(item)} for item in a.items}
    return Answers(assignment_id, values, status="key")


def load_answers(assignment_id: str | None = None, *, folder: Path | str | None = None,
                 quiet: bool = False) -> Answers:
    """Read the answers saved by the exercise form; never raises on a bad file."""
    say = (lambda _m: None) if quiet else _say
    if _is_plan_exercise(assignment_id) or (not assignment_id and (Path(folder or Path.cwd()) / PLAN_FILE).exists()):
        return _load_plan(folder, say)
    path = answer_path(folder)
    if not path.exists():
        say(_("No answers saved yet: use the activity above, then run this cell again."))
        return Answers(assignment_id or "", status="missing",
                       problems=[_("The answer file {name} is missing.").format(name=ANSWER_FILE)])
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or not isinstance(raw.get("answers"), dict):
            raise ValueError(_("it does not hold answers"))
    except (ValueError, UnicodeDecodeError) as exc:
        say(_("Your saved answers could not be read (the file is damaged). Choose your answers again "
              "in the activity above; they will be saved afresh."))
        return Answers(assignment_id or "", status="corrupt",
                       problems=[_("The answer file {name} is damaged: {detail}").format(name=ANSWER_FILE, detail=exc)])
    lang = _known_language(raw.get("language"))
    with _speaking(lang):  # what is wrong in the file, told in the language it was answered in
        answers = _read_values(raw, assignment_id, say)
    answers.language = lang
    return answers


def _read_values(raw: dict, assignment_id: str | None, say) -> Answers:
    """Each item on its own: a bad field costs that item (or that one choice), never the file."""
    found_id = raw.get("assignment")
    answers = Answers(assignment_id or "")
    if found_id is not None and not isinstance(found_id, str):
        answers.problems.append(_("The answer file's exercise name is not valid; it was ignored."))
        found_id = None
    assignment_id = assignment_id or found_id
    answers.assignment_id = assignment_id or ""
    if found_id and assignment_id and found_id != assignment_id:
        answers.problems.append(_("The answer file belongs to another exercise ({other}).").format(other=found_id))
        answers.status = "corrupt"
        say(answers.problems[-1])
        return answers
    try:
        items = {item.id: item for item in assignment(assignment_id).items}
    except (KeyError, TypeError):
        answers.status = "corrupt"
        answers.problems.append(_("The answer file names an unknown exercise {id!r}.").format(id=assignment_id))
        say(answers.problems[-1])
        return answers
    for item_id, chosen in raw["answers"].items():
        item = items.get(item_id)
        if item is None:
            answers.problems.append(_("An answer for an unknown item ({id}) was ignored.").format(id=item_id))
            continue
        if not isinstance(chosen, dict):
            answers.problems.append(_("The answer for {id} is not in the form the activity saves; it was ignored.").format(
                id=item_id))
            continue
        for question, option in chosen.items():
            asked = question in questions(item)
            allowed = {o for _label, o in options(assignment_id, question)} if asked else set()
            if isinstance(option, str) and option in allowed:
                answers.values.setdefault(item_id, {})[question] = option
            else:
                answers.problems.append(_("An answer that is not one of the choices was ignored ({id}).").format(id=item_id))
    if answers.problems:
        answers.status = "partly-invalid"
        say(_("Some saved answers were not valid and were ignored; choose them again above."))
    return answers


def save_answer(assignment_id: str, item_id: str, question: str, option: str | None, *,
                folder: Path | str | None = None, lang: str | None = None) -> Path:
    """Record one choice (``None`` clears it). Written atomically: a crash never leaves half a file.

    The file keeps the participant's language: ``lang``, else the one already recorded, else the
    session's."""
    item = next((i for i in assignment(assignment_id).items if i.id == item_id), None)
    if item is None or question not in questions(item):
        raise ValueError(_("{item} does not ask about {question}.").format(item=item_id, question=question))
    if option is not None and option not in {o for _l, o in options(assignment_id, question)}:
        raise ValueError(_("{option!r} is not one of the choices.").format(option=option))
    current = load_answers(assignment_id, folder=folder, quiet=True)
    values = current.values if current.status in ("ok", "partly-invalid") else {}
    if option is None:
        values.get(item_id, {}).pop(question, None)
    else:
        values.setdefault(item_id, {})[question] = option
    return _write(assignment_id, values, _known_language(lang) or current.language or get_language(), folder)


def save_language(assignment_id: str, lang: str, *, folder: Path | str | None = None) -> Path:
    """Record the participant's language, keeping every answer (a file is written even before
    the first answer, so the choice of language is kept from the start)."""
    if not _known_language(lang):
        raise ValueError(_("{lang!r} is not one of the languages: {langs}").format(
            lang=lang, langs=", ".join(available_languages())))
    current = load_answers(assignment_id, folder=folder, quiet=True)
    return _write(assignment_id, current.values if current.status in ("ok", "partly-invalid") else {}, lang, folder)


def _write(assignment_id: str, values: dict, lang: str, folder: Path | str | None) -> Path:
    data = {"assignment": assignment_id, "format": FORMAT_VERSION, "language": lang,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "answers": values}
    path = answer_path(folder)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".answers-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return path


# --- grading ---------------------------------------------------------------------------------------


def check(answers: Answers, item_id: str) -> float:
    """Feedback for one item, printed in the participant's language; returns the points earned
    (nbgrader's partial credit)."""
    with _speaking(answers.language):
        return _check(answers, item_id)


def _check(answers: Answers, item_id: str) -> float:
    item = content.get("exercise_item", item_id)  # ids are unique across exercises
    asked = questions(item)
    chosen = {q: answers.get(item_id, q) for q in asked}
    if all(v is None for v in chosen.values()):
        raise NotAnswered(_("Not answered yet: “{prompt}”").format(prompt=_short(prompt(item))))
    earned = sum(1 for q in asked if chosen[q] in key(item, q))
    if earned == len(asked):
        print(_("Well done. {why}").format(why=item.explanation))
    elif earned:
        print(_("Partly right ({earned} of {total}). {why}").format(earned=earned, total=len(asked), why=item.explanation))
    else:
        print(_("Not quite. {why}").format(why=item.explanation))
    return earned


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check_rule(answers: Answers, rule_id: str) -> float:
    """One rule of the plan exercise: prints what passed or what to fix; returns 0 to 1 point.

    Where a rule is about each goal or each activity, the point is shared among them, so a plan
    where most activities have a date, a lead and an evaluation earns most of the point. Told in
    the plan's language where the plan file records one, else in the session's."""
    with _speaking(answers.language):
        return _check_rule(answers, rule_id)


def _check_rule(answers: Answers, rule_id: str) -> float:
    from shine.plan.rules import run_rule

    rule = content.get("plan_rule", rule_id)
    plan = answers.plan
    if plan is None:
        raise NotAnswered(_("Not answered yet: write your plan in the builder above (“{rule}”)").format(rule=rule.name))
    if plan.form not in rule.forms:
        print(_("Does not apply to this plan's form: {rule}.").format(rule=rule.name))
        return 1
    result = run_rule(plan, rule)
    if result.passed:
        print(_("Well done: {rule}.").format(rule=rule.name))
        return 1
    for finding in result.findings:
        print(_("To improve: {message}").format(message=finding.message))
    activities = [a for _g, a in plan.activities()]
    flagged_activities = {f.activity_id for f in result.findings if f.activity_id}
    flagged_goals = {f.goal_id for f in result.findings if f.goal_id and not f.activity_id}
    if flagged_activities and not flagged_goals and activities:
        return round(1 - len(flagged_activities) / len(activities), 2)
    if flagged_goals and not flagged_activities and plan.goals:
        return round(max(0.0, 1 - len(flagged_goals) / len(plan.goals)), 2)
    return 0
