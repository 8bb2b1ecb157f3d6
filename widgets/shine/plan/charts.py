"""Charts of a One-Year Action Plan (matplotlib), each with a title, labelled axes and alt text.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot: no global state, so many
kernels and threads can draw at once and nothing is left open. Bars that reach a type are
hatched and labelled with their count; a type not yet reached is named in words, so the chart
reads the same in greyscale.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from matplotlib.figure import Figure

from shine import content
from shine.i18n import _, ngettext

from .model import Plan


@dataclass(frozen=True)
class Chart:
    figure: Figure
    alt: str
    title: str

    def png(self, dpi: int = 110) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()

    def data_uri(self, dpi: int = 110) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png(dpi)).decode("ascii")


def types_covered_alt(plan: Plan) -> str:
    counts = plan.types_covered()
    names = {t.id: t.name for t in content.items("type")}
    reached = [f"{names[t]} {n}" for t, n in counts.items() if n]
    missing = [names[t] for t, n in counts.items() if not n]
    text = _("Bar chart of the plan's activities by type of involvement.") + " "
    text += _("{n} of 6 types reached").format(n=len(reached))
    if reached:
        text += ": " + ", ".join(reached)
    text += "."
    if missing:
        text += " " + _("Not yet reached: {types}.").format(types=", ".join(missing))
    return text


def types_covered_chart(plan: Plan) -> Chart:
    """Activities per type, all six types listed in order."""
    types = sorted(content.items("type"), key=lambda t: t.number)
    counts = plan.types_covered()
    values = [counts[t.id] for t in types]
    reached = sum(1 for v in values if v)
    title = _("Types of involvement reached: {n} of 6").format(n=reached)

    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot()
    rows = list(range(len(types)))[::-1]  # type 1 at the top
    ax.barh(rows, values, color="#4a6fa5", edgecolor="#1f2933", hatch="//", height=0.6)
    top = max(values + [3])
    for row, value in zip(rows, values):
        label = ngettext("{n} activity", "{n} activities", value).format(n=value) if value else _("not yet reached")
        ax.text(value + top * 0.02, row, label, va="center", fontsize=9,
                fontstyle="normal" if value else "italic")
    ax.set_yticks(rows, [f"{t.number}. {t.name}" for t in types])
    ax.set_xlim(0, top * 1.35)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(_("Number of activities"))
    ax.set_ylabel(_("Type of involvement"))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return Chart(fig, types_covered_alt(plan), title)
