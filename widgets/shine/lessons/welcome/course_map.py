"""The course at a glance: every module with its time, and which ones suit the person reading."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.web.html import esc, page

from ..header import minutes


def participant_roles() -> list:
    return [r for r in content.items("role") if "participant" in r.kinds]


def course_table_html(role_id: str | None = None) -> str:
    modules = sorted(content.items("module"), key=lambda m: m.number)
    if role_id:
        modules = [m for m in modules if role_id in m.audience]
    if not modules:
        return page("<p>" + esc(_("No module is marked for this role yet; every module is open to everyone.")) + "</p>")
    rows = "".join(
        f"<tr><td>{m.number}</td><td>{esc(m.title)}</td><td>{esc(m.questions[0])}</td>"
        f"<td>{esc(minutes(m.teaching_minutes + m.exercise_minutes))}</td></tr>"
        for m in modules
    )
    total = sum(m.teaching_minutes + m.exercise_minutes for m in modules)
    labels = [esc(t) for t in (_("Module"), _("The question it answers"), _("Time"), _("In all"))]
    head = f"<tr><th>#</th><th>{labels[0]}</th><th>{labels[1]}</th><th>{labels[2]}</th></tr>"
    foot = f"<tr><th></th><th>{labels[3]}</th><th></th><th>{esc(minutes(total))}</th></tr>"
    return page(f"<table>{head}{rows}{foot}</table>")


class CourseMap(widgets.VBox):
    """Pick "I am here as ..." and see the modules meant for you."""

    def __init__(self):
        roles = participant_roles()
        self.role = widgets.Dropdown(
            options=[(_("everyone (all modules)"), None)] + [(r.name, r.id) for r in roles],
            value=None, description=_("I am here as"), style={"description_width": "initial"},
            layout=widgets.Layout(width="28rem"),
        )
        self.table = widgets.HTML(course_table_html())
        self.role.observe(lambda change: self._update(change["new"]), names="value")
        super().__init__([self.role, self.table])

    def _update(self, role_id: str | None) -> None:
        self.table.value = course_table_html(role_id)
