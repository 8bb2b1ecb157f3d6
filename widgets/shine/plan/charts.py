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
from shine.web import charts

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

    def html(self) -> str:
        """The chart as a page shows it: the picture with its alt text, then its "Data table"."""
        return charts.to_html(self.figure, dpi=110)


# Drawn to be read on a phone: the picture is at most about 5 inches wide, so when a 360 px screen
# shows it whole, text of 12 points is still 11 px or more.
PHONE_WIDTH_IN = 4.8
TEXT_PT = 12


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

    fig = Figure(figsize=(PHONE_WIDTH_IN, 4.6))
    ax = fig.add_subplot()
    rows = list(range(len(types)))[::-1]  # type 1 at the top
    ax.barh(rows, values, color="#4a6fa5", edgecolor="#1f2933", hatch="//", height=0.6)
    top = max(values + [3])
    labels = []
    for row, value in zip(rows, values):
        label = ngettext("{n} activity", "{n} activities", value).format(n=value) if value else _("not yet reached")
        labels.append(label)
        ax.text(value + top * 0.03, row, label, va="center", fontsize=TEXT_PT,
                fontstyle="normal" if value else "italic")
    names = [f"{t.number}. {t.name}" for t in types]
    ax.set_yticks(rows, names, fontsize=TEXT_PT)
    for tick in ax.get_yticklabels():
        tick.set_wrap(True)  # long names wrap within the room on the left (the text stays as it is)
    ax.set_xlim(0, top * 1.75)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="x", labelsize=TEXT_PT)
    ax.set_xlabel(_("Number of activities"), fontsize=TEXT_PT)
    ax.set_ylabel(_("Type of involvement"), fontsize=TEXT_PT)
    ax.set_title(title, fontsize=TEXT_PT + 1, wrap=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.42, right=0.97, top=0.9, bottom=0.13)
    alt = types_covered_alt(plan)
    fig.set_label(alt)
    charts.set_table(fig, [_("Type of involvement"), _("Number of activities")],
                     [[name, label] for name, label in zip(names, labels)])
    return Chart(fig, alt, title)
