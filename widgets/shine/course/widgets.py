"""The answer form of a graded exercise: one menu per question, saved to ``answers.json`` as the
participant chooses (see ``shine.course.exercises``). No feedback here: that comes with grading."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from shine.i18n import _
from shine.web.html import bullets, esc, page

from . import exercises as ex

QUESTION_LABELS = {
    "principle": lambda: _("Which principle does it show or break?"),
    "impact": lambda: _("Where does it sit on the impact ladder?"),
    "capacity": lambda: _("Which of the 4 Cs does it mainly build?"),
    "family_role": lambda: _("Which family role does it support?"),
}


class ExerciseForm(widgets.VBox):
    """``ExerciseForm("principles-in-practice")``; answers go to ``folder`` (default: here)."""

    def __init__(self, assignment_id: str, *, folder: Path | str | None = None):
        self.assignment = ex.assignment(assignment_id)
        self.folder = folder
        saved = ex.load_answers(assignment_id, folder=folder, quiet=True)
        self.menus: dict[tuple[str, str], widgets.Dropdown] = {}
        self.status = widgets.HTML()
        rows = [widgets.HTML(page(f"<h2>{esc(self.assignment.title)}</h2><p>{esc(self.assignment.summary)}</p>"))]
        for n, item in enumerate(self.assignment.items, start=1):
            rows.append(widgets.HTML(page(f"<h3>{n}.</h3><p>{esc(ex.prompt(item))}</p>")))
            for question in ex.questions(item):
                menu = widgets.Dropdown(
                    options=[(_("Choose..."), None)] + ex.options(assignment_id, question),
                    value=saved.get(item.id, question), description=QUESTION_LABELS[question](),
                    style={"description_width": "initial"}, layout=widgets.Layout(width="100%", max_width="44rem"),
                )
                menu.observe(lambda change, i=item.id, q=question: self._save(i, q, change["new"]), names="value")
                self.menus[(item.id, question)] = menu
                rows.append(menu)
        prompts = [r.prompt for r in self.assignment.reflections]
        heading, where = esc(_("Your reflection")), esc(_("Write it in the text box below this activity."))
        rows.append(widgets.HTML(page(f"<h3>{heading}</h3>{bullets(prompts)}<p>{where}</p>")))
        rows.append(self.status)
        super().__init__(rows)
        if saved.status in ("corrupt", "partly-invalid"):  # a fresh start (no file yet) is not a problem
            self._tell(" ".join(saved.problems), ok=False)

    def _save(self, item_id: str, question: str, option: str | None) -> None:
        try:
            ex.save_answer(self.assignment.id, item_id, question, option, folder=self.folder)
        except OSError as exc:
            self._tell(_("Your answer could not be saved ({detail}). Tell your trainer.").format(detail=exc), ok=False)
            return
        answered = sum(1 for menu in self.menus.values() if menu.value is not None)
        self._tell(_("Saved. {n} of {total} answered.").format(n=answered, total=len(self.menus)), ok=True)

    def _tell(self, message: str, *, ok: bool) -> None:
        css = "shine-box" if ok else "shine-box shine-note"
        self.status.value = page(f'<div class="{css}">{esc(message)}</div>')
