"""The Dual Capacity-Building Framework as a diagram to step through: challenge -> conditions ->
the 4 Cs -> outcomes, for the version the participant picks (the version is always named,
because the family roles differ between versions)."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import bullets, callout, esc, page, section

STEPS = ("challenge", "conditions", "capacities", "outcomes")


def versions() -> list:
    return sorted(content.load().dual_capacity.versions, key=lambda v: v.year)


def version_label(version) -> str:
    number = [v.id for v in versions()].index(version.id) + 1
    return _("Version {n} ({year})").format(n=number, year=version.year)


def step_names() -> dict[str, str]:
    return {"challenge": _("The challenge"), "conditions": _("Conditions"), "capacities": _("The 4 Cs"),
            "outcomes": _("Outcomes")}


def diagram_html(step: str) -> str:
    """The four stages in a row; the current one is framed and marked in words, not colour only."""
    boxes = []
    for s, name in step_names().items():
        here = s == step
        style = ("border:3px solid #1f2933;background:#f1f7fd;font-weight:bold" if here
                 else "border:1px solid #9aa5b1;background:#ffffff")
        marker = '<div><strong>' + esc(_("you are here")) + '</strong></div>' if here else ""
        boxes.append(f'<div style="{style};padding:0.5rem 0.8rem;border-radius:6px;min-width:7rem;'
                     f'text-align:center">{esc(name)}{marker}</div>')
    arrow = '<div style="align-self:center;font-size:1.4rem" aria-hidden="true">&rarr;</div>'
    return page('<div style="display:flex;flex-wrap:wrap;gap:0.4rem">' + arrow.join(boxes) + "</div>")


def _conditions_html(version) -> str:
    def rows(conditions):
        items = "".join(f"<li><strong>{esc(c.name)}</strong>: {esc(c.gloss)}</li>" for c in conditions)
        return f"<ul>{items}</ul>"

    intro = _("{name}: what makes partnership-building work.").format(name=version.conditions_name)
    return (f"<p>{esc(intro)}</p>" + section(_("Process conditions (how activities are run)"),
                                           rows(version.process_conditions))
            + section(_("Organizational conditions (how the system supports them)"),
                      rows(version.organizational_conditions)))


def _capacities_html(version) -> str:
    rows = []
    for cid in version.capacities:
        c = content.get("capacity", cid)
        rows.append(f"<tr><th>{esc(c.name)}<br/><span class='shine-meta'>{esc(c.gloss)}</span></th>"
                    f"<td>{esc(c.staff)}</td><td>{esc(c.families)}</td></tr>")
    head = f"<tr><th></th><th>" + esc(_('Staff')) + f"</th><th>" + esc(_('Families')) + f"</th></tr>"
    intro = _("The goals: grow these four kinds of capacity in staff and in families, together.")
    return f"<p>{esc(intro)}</p><table>{head}{''.join(rows)}</table>"


def _role_name(role_id: str) -> str:
    return content.get("family_role", role_id).name


def role_changes(version) -> tuple[list[str], list[str]]:
    """Family roles this version adds and drops compared with the version before it."""
    ordered = versions()
    i = [v.id for v in ordered].index(version.id)
    if i == 0:
        return [], []
    before = set(ordered[i - 1].family_roles)
    now = set(version.family_roles)
    return ([_role_name(r) for r in version.family_roles if r not in before],
            [_role_name(r) for r in ordered[i - 1].family_roles if r not in now])


def _outcomes_html(version) -> str:
    roles = "<ul>" + "".join(
        f"<li><strong>{esc(content.get('family_role', r).name)}</strong>: "
        f"{esc(content.get('family_role', r).description)}</li>" for r in version.family_roles) + "</ul>"
    body = (section(_("Staff who can"), bullets(p.text for p in version.staff_outcomes))
            + section(_("Families who take on many roles"), roles)
            + f'<div class="shine-box"><strong>' + esc(_("Where it leads")) + f'</strong><br/>{esc(version.end_state)}</div>')
    added, dropped = role_changes(version)
    if added or dropped:
        change = _("Compared with the version before: adds {added}; drops {dropped}.").format(
            added=", ".join(added) or _("none"), dropped=", ".join(dropped) or _("none"))
        body += f"<p class='shine-meta'>{esc(change)}</p>"
    return body


def step_html(version_id: str, step: str) -> str:
    version = content.get("dcbf_version", version_id)
    showing = _("Showing: {name} ({year})").format(name=version.name, year=version.year)
    body = f'<p><strong>{esc(showing)}</strong><br/><span class="shine-meta">{esc(version.citation)}</span></p>'
    if version.certainty == "unconfirmed":
        body += callout("<p>" + esc(_("Parts of this version are commonly described but have not been checked "
                                      "against the published graphic; they are marked as such.")) + "</p>", "note")
    if step == "challenge":
        body += f"<h3>{esc(step_names()[step])}</h3><p>{esc(version.challenge)}</p>"
        body += f"<p>{esc(content.load().dual_capacity.summary)}</p>"
    elif step == "conditions":
        body += f"<h3>{esc(step_names()[step])}</h3>" + _conditions_html(version)
    elif step == "capacities":
        body += f"<h3>{esc(step_names()[step])}</h3>" + _capacities_html(version)
    else:
        body += f"<h3>{esc(step_names()[step])}</h3>" + _outcomes_html(version)
        body += f"<p class='shine-meta'>{esc(content.load().dual_capacity.compass)}</p>"
    if version.notes:
        body += f"<details><summary>" + esc(_('Notes on this version')) + f"</summary>{bullets(version.notes)}</details>"
    return page(body)


class DcbfStepper(widgets.VBox):
    def __init__(self, version_id: str | None = None):
        ordered = versions()
        self.version = widgets.ToggleButtons(options=[(version_label(v), v.id) for v in ordered],
                                             value=version_id or ordered[0].id, description=_("Version"),
                                             style={"button_width": "10rem"})
        self.step_index = 0
        self.diagram = widgets.HTML()
        self.detail = widgets.HTML()
        self.back = widgets.Button(description=_("Back"),
                                   layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description=_("Next step"), button_style="primary",
                                   layout=widgets.Layout(width="auto"))
        self.back.on_click(lambda _b: self.go(-1))
        self.next.on_click(lambda _b: self.go(+1))
        self.version.observe(lambda _c: self._show(), names="value")
        super().__init__([self.version, self.diagram, widgets.HBox([self.back, self.next]), self.detail])
        self.add_class("shine-component")
        self.add_class("shine-dcbf-stepper")
        self._show()

    @property
    def step(self) -> str:
        return STEPS[self.step_index]

    def go(self, delta: int) -> None:
        self.step_index = max(0, min(len(STEPS) - 1, self.step_index + delta))
        self._show()

    def _show(self) -> None:
        self.diagram.value = diagram_html(self.step)
        self.detail.value = step_html(self.version.value, self.step)
        self.back.disabled = self.step_index == 0
        self.next.disabled = self.step_index == len(STEPS) - 1
