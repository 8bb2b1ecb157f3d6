"""Who belongs on the Action Team for Partnerships: the recommended seats for a school level,
read from ``nnps.yaml`` (the same numbers the plan's team rules use)."""

from __future__ import annotations

import ipywidgets as widgets

from shine import content
from shine.i18n import _
from shine.plan.model import level_label
from shine.web.html import esc, page

LEVEL_CHOICES = ("elementary", "middle", "high")


def seats_html(level: str) -> str:
    nnps = content.load().nnps
    roles = content.index().items["role"]
    rows = []
    for seat in nnps.team:
        if seat.only_for and level not in seat.only_for:
            continue
        if seat.maximum is None:
            count = _("{n} or more").format(n=seat.minimum) if seat.minimum else _("optional")
        elif seat.minimum == seat.maximum:
            count = str(seat.minimum)
        else:
            count = _("{low} to {high}").format(low=seat.minimum, high=seat.maximum) if seat.minimum else \
                _("optional, up to {n}").format(n=seat.maximum)
        role = roles[seat.role]
        rows.append(f"<tr><td>{esc(role.name)}</td><td>{esc(count)}</td><td>{esc(role.description)}</td></tr>")
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("Seat"), _("How many"), _("Who")))
    size = nnps.team_size
    note = _("{label}: {n}.").format(label=size.label, n=int(size.value))
    element = content.get("nnps_element", "atp")
    return page(f"<p>{esc(element.summary)}</p><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
                f'</table><p class="shine-meta">{esc(note)}</p>')


class TeamSeats(widgets.VBox):
    """Choose your school's level; see the seats a team of that level fills."""

    def __init__(self, level: str = "high"):
        self.level = widgets.ToggleButtons(options=[(level_label(lv), lv) for lv in LEVEL_CHOICES], value=level,
                                           description=_("Our school is"), style={"description_width": "initial"})
        self.table = widgets.HTML(seats_html(level))
        self.level.observe(lambda change: setattr(self.table, "value", seats_html(change["new"])), names="value")
        super().__init__([self.level, self.table], layout=widgets.Layout(width="100%"))
