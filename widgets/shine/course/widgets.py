"""The answer form of a graded exercise: one menu per question, saved to ``answers.json`` as the
participant chooses (see ``shine.course.exercises``). No feedback here: that comes with grading.

The form speaks the participant's language and switches in place: a button at the top names the
other language in its own words ("Español" on the English form, "English" on the Spanish one);
clicking it rebuilds every title, prompt, label and menu in that language, keeps every choice
made, and records the language in the answer file, so grading gives feedback in it too.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from shine.i18n import _, available_languages, get_language, language
from shine.web.announce import live
from shine.web.html import bullets, esc, page

from . import exercises as ex

QUESTION_LABELS = {
    "principle": lambda: _("Which principle does it show or break?"),
    "impact": lambda: _("Where does it sit on the impact ladder?"),
    "capacity": lambda: _("Which of the 4 Cs does it mainly build?"),
    "family_role": lambda: _("Which family role does it support?"),
}


def own_name(lang: str, *, in_sentence: bool = False) -> str:
    """A language in its own words: "Español" on a button, "español" inside a Spanish sentence."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name if in_sentence else name[:1].upper() + name[1:]


class ExerciseForm(widgets.VBox):
    """``ExerciseForm("principles-in-practice")``; answers go to ``folder`` (default: here).

    The form opens in the language saved with the answers, else in the session's."""

    def __init__(self, assignment_id: str, *, folder: Path | str | None = None):
        self.assignment_id = assignment_id
        self.folder = folder
        saved = ex.load_answers(assignment_id, folder=folder, quiet=True)
        self.lang = saved.language or get_language()
        self.menus: dict[tuple[str, str], widgets.Dropdown] = {}
        self.language_buttons: dict[str, widgets.Button] = {}
        self.status = live(widgets.HTML())
        super().__init__()
        with language(self.lang):
            self._build({key: saved.get(*key) for key in self._questions()})
            if saved.status in ("corrupt", "partly-invalid"):  # a fresh start (no file yet) is not a problem
                self._tell(" ".join(saved.problems), ok=False)

    def _questions(self) -> list[tuple[str, str]]:
        return [(item.id, q) for item in ex.assignment(self.assignment_id).items for q in ex.questions(item)]

    def _build(self, chosen: dict[tuple[str, str], str | None]) -> None:
        """Every row in the current language, each menu showing ``chosen``."""
        self.assignment = ex.assignment(self.assignment_id)
        self.menus, rows = {}, [self._language_bar()]
        rows.append(widgets.HTML(page(f"<h2>{esc(self.assignment.title)}</h2><p>{esc(self.assignment.summary)}</p>")))
        for n, item in enumerate(self.assignment.items, start=1):
            rows.append(widgets.HTML(page(f"<h3>{n}.</h3><p>{esc(ex.prompt(item))}</p>")))
            for question in ex.questions(item):
                menu = widgets.Dropdown(
                    options=[(_("Choose..."), None)] + ex.options(self.assignment_id, question),
                    value=chosen.get((item.id, question)), description=QUESTION_LABELS[question](),
                    style={"description_width": "initial"}, layout=widgets.Layout(width="100%", max_width="44rem"),
                )
                menu.observe(lambda change, i=item.id, q=question: self._save(i, q, change["new"]), names="value")
                self.menus[(item.id, question)] = menu
                rows.append(menu)
        prompts = [r.prompt for r in self.assignment.reflections]
        heading, where = esc(_("Your reflection")), esc(_("Write it in the text box below this activity."))
        rows.append(widgets.HTML(page(f"<h3>{heading}</h3>{bullets(prompts)}<p>{where}</p>")))
        rows.append(self.status)
        self.children = rows

    def _language_bar(self) -> widgets.HBox:
        """"English · Español": the form's language marked, each other one a button in its own words."""
        here = widgets.HTML(page(f'<strong lang="{esc(self.lang)}" aria-current="true">{esc(own_name(self.lang))}</strong>'))
        parts: list[widgets.Widget] = [here]
        self.language_buttons = {}
        for lang in available_languages():
            if lang == self.lang:
                continue
            with language(lang):  # described in the language it offers, for whoever reads only that one
                tip = _("Show this activity in {language}").format(language=own_name(lang, in_sentence=True))
            button = widgets.Button(description=own_name(lang), tooltip=tip, layout=widgets.Layout(width="auto"))
            button.on_click(lambda _b, to=lang: self.switch_language(to))
            self.language_buttons[lang] = button
            parts += [widgets.HTML(" · "), button]
        bar = widgets.HBox(parts, layout=widgets.Layout(align_items="center"))
        bar.add_class("shine-languages")
        return bar

    def switch_language(self, lang: str) -> None:
        """Rebuild the form in ``lang`` from the choices on screen, and record the language."""
        chosen = {key: menu.value for key, menu in self.menus.items()}
        self.lang = lang
        with language(self.lang):
            self._build(chosen)
            try:
                ex.save_language(self.assignment_id, lang, folder=self.folder)
            except OSError as exc:
                self._tell(_("Your answer could not be saved ({detail}). Tell your trainer.").format(detail=exc),
                           ok=False)
                return
            self._progress()

    def _save(self, item_id: str, question: str, option: str | None) -> None:
        with language(self.lang):  # a widget's callback does not always run in the form's language
            try:
                ex.save_answer(self.assignment_id, item_id, question, option, folder=self.folder, lang=self.lang)
            except OSError as exc:
                self._tell(_("Your answer could not be saved ({detail}). Tell your trainer.").format(detail=exc),
                           ok=False)
                return
            self._progress()

    def _progress(self) -> None:
        answered = sum(1 for menu in self.menus.values() if menu.value is not None)
        self._tell(_("Saved. {n} of {total} answered.").format(n=answered, total=len(self.menus)), ok=True)

    def _tell(self, message: str, *, ok: bool) -> None:
        css = "shine-box" if ok else "shine-box shine-note"
        self.status.value = page(f'<div class="{css}">{esc(message)}</div>')
