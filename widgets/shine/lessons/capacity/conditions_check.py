"""Module 3: check a planned training or event against the framework's process and
organizational conditions, for the version you pick, and see what to add."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _, ngettext
from shine.web.announce import live
from shine.web.html import bullets, callout, esc, page, section

from .dcbf_stepper import version_label, versions


def conditions(version_id: str) -> list:
    v = content.get("dcbf_version", version_id)
    return list(v.process_conditions) + list(v.organizational_conditions)


def result_html(version_id: str, met: set[str]) -> str:
    v = content.get("dcbf_version", version_id)
    all_conditions = conditions(version_id)
    missing = [c for c in all_conditions if c.id not in met]
    head = ngettext("Your plan meets {n} of {total} condition.", "Your plan meets {n} of {total} conditions.",
                    len(all_conditions) - len(missing)).format(n=len(all_conditions) - len(missing),
                                                               total=len(all_conditions))
    which = _("Checked against the {conditions} of {version}.").format(conditions=v.conditions_name,
                                                                       version=version_label(v))
    body = f"<p><strong>{esc(head)}</strong> {esc(which)}</p>"
    if missing:
        body += section(_("To strengthen it, think about"), bullets(f"{c.name}: {c.gloss}" for c in missing))
        tone = "grow"
    else:
        body += "<p>" + esc(_("Every condition is there. Ask a family member on the team whether they see it the "
                              "same way.")) + "</p>"
        tone = "good"
    return page(callout(body, tone))


class ConditionsCheck(widgets.VBox):
    def __init__(self):
        ordered = versions()
        self.version = widgets.ToggleButtons(options=[(version_label(v), v.id) for v in ordered],
                                             value=ordered[-1].id, description=_("Version"),
                                             style={"button_width": "10rem"})
        self.plan = widgets.Text(placeholder=_("e.g. Fall workshop on reading at home"), description=_("Our event"),
                                 layout=widgets.Layout(width="30rem", max_width="100%"))
        self.boxes = widgets.VBox()
        self.checks: dict[str, widgets.Checkbox] = {}
        self.check = widgets.Button(description=_("Check our plan"), button_style="primary",
                                    layout=widgets.Layout(width="auto"))
        self.result = live(widgets.HTML())
        self.version.observe(lambda _c: self._build(), names="value")
        self.check.on_click(lambda _b: self.show_result())
        ask = _("Think of a training, meeting or event you are planning. Tick each condition it already meets.")
        super().__init__([widgets.HTML(page(f"<p>{esc(ask)}</p>")), self.plan, self.version, self.boxes,
                          widgets.HBox([self.check]),
                          self.result])
        self.add_class("shine-component")
        self.add_class("shine-conditions-check")
        self._build()

    def _build(self) -> None:
        self.checks = {c.id: widgets.Checkbox(value=False, description=f"{c.name}: {c.gloss}", indent=False,
                                              layout=widgets.Layout(width="auto"))
                       for c in conditions(self.version.value)}
        self.boxes.children = list(self.checks.values())
        self.result.value = ""

    @property
    def met(self) -> set[str]:
        return {cid for cid, box in self.checks.items() if box.value}

    def show_result(self) -> None:
        self.result.value = result_html(self.version.value, self.met)
