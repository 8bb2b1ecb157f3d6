"""Facilitator guides, one per module, built from the module header, the guide content and the
exercises' answer keys, so a guide can never disagree with its module.

``shine guides`` writes them to ``facilitator/guides/<module>.md``; a test fails when a committed
guide differs from what the content produces.
"""

from __future__ import annotations

from pathlib import Path

from shine import content
from shine.course import exercises as ex
from shine.i18n import DEFAULT_LANGUAGE, _, available_languages, get_language, language
from shine.web.paths import guides_dir


def _bullets(items) -> list[str]:
    return [f"- {item}" for item in items] + [""]


def _answer(item, question: str) -> str:
    labels = dict((o, label) for label, o in ex.options(_assignment_of(item).id, question))
    return _(" or ").join(labels[k] for k in ex.key(item, question))


def _assignment_of(item):
    return next(a for a in content.items("assignment") if item in a.items)


def answer_keys(module_id: str) -> list[str]:
    lines = []
    for a in (a for a in content.items("assignment") if a.module == module_id):
        lines += [f"### " + _("Exercise {n}: {title}").format(n=a.number, title=a.title), ""]
        lines += ["| # | " + _("Item") + " | " + _("Answer") + " | " + _("Why") + " |", "|---|---|---|---|"]
        for n, item in enumerate(a.items, start=1):
            answer = "; ".join(_answer(item, q) for q in ex.questions(item))
            cells = [str(n), ex.prompt(item), answer, item.explanation]
            lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
        lines.append("")
        for r in a.reflections:
            lines += [_("Reflection ({points} points): {prompt}").format(points=r.points, prompt=r.prompt),
                      _("A full answer:"), *_bullets(r.rubric)]
    return lines


def render_markdown(module_id: str) -> str:
    m = content.get("module", module_id)
    g = next((g for g in content.items("guide") if g.module == module_id), None)
    if g is None:
        raise KeyError(_("Module {id} has no guide in guides.yaml.").format(id=module_id))
    total = m.teaching_minutes + m.exercise_minutes
    lines = [f"# " + _("Facilitator guide, module {n}: {title}").format(n=m.number, title=m.title), "",
             _("Generated from the curriculum content by `shine guides`; edit the content, not this file."), "",
             "## " + _("Purpose"), "", g.purpose, "",
             "## " + _("Timing"), "",
             "| " + _("Part") + " | " + _("Minutes") + " |", "|---|---|",
             "| " + _("Teaching") + f" | {m.teaching_minutes} |", "| " + _("Exercises") + f" | {m.exercise_minutes} |",
             "| **" + _("Total") + f"** | **{total}** |", "",
             "## " + _("Questions this module answers"), "", *_bullets(m.questions),
             "## " + _("Objectives"), "", *_bullets(m.objectives)]
    if m.prerequisites:
        lines += ["## " + _("Before the session"), "", *_bullets(p.text for p in m.prerequisites)]
    lines += ["## " + _("Materials"), "", *_bullets(g.materials),
              "## " + _("Talking points"), "", *_bullets(g.talking_points),
              "## " + _("Discussion prompts"), "", *_bullets(g.discussion_prompts)]
    if m.instructor_notes:
        lines += ["## " + _("Mixed family and educator audiences, and interpreters"), "", *_bullets(m.instructor_notes)]
    keys = answer_keys(module_id)
    if keys:
        lines += ["## " + _("Answer keys"), "", *keys]
    lines += ["## " + _("Common questions"), ""]
    for q in g.common_questions:
        lines += [f"**{q.question}**", "", q.answer, ""]
    lines += ["## " + _("Key points to close with"), "", *_bullets(m.keypoints),
              "## " + _("Sources"), "",
              *_bullets(content.get("source", s).title for s in dict.fromkeys([*g.source, *m.source]))]
    return "\n".join(lines).rstrip() + "\n"


def guides_folder(lang: str) -> Path:
    """English guides in ``facilitator/guides/``, each translation in ``facilitator/guides/<lang>/``."""
    return guides_dir() if lang == DEFAULT_LANGUAGE else guides_dir() / lang


def write_every_language() -> list[Path]:
    """Every guide in English and in every language with a catalog (what `shine guides` does)."""
    written = []
    for lang in available_languages():
        with language(lang):
            written += write_all(guides_folder(lang))
    return written


def write_all(dest: Path | None = None) -> list[Path]:
    """Every module's guide, in the session's language, into ``dest`` (default: its folder)."""
    dest = dest or guides_folder(get_language())
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for m in sorted(content.items("module"), key=lambda m: m.number):
        path = dest / f"{m.id}.md"
        path.write_text(render_markdown(m.id), encoding="utf-8")
        written.append(path)
    return written
