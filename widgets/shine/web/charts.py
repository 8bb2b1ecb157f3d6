"""Charts for the modules, drawn with matplotlib.

Convention, for every function here:

* it returns a :class:`matplotlib.figure.Figure` built without pyplot (no global state, so many
  kernels and threads never share a figure);
* the figure's **alt text** is its label: ``fig.get_label()`` (read it with :func:`alt_text`).
  It says what the chart shows in words, with the numbers, for screen readers and for anyone
  the picture does not reach;
* it has a title, labelled axes, and is readable in greyscale: series differ by hatching,
  marker shape or line style, and values are written on the chart, so colour is never the only
  signal.

* it carries its numbers as a table (:func:`table`: column headers and one row per thing drawn),
  built from the same values the chart draws.

Widgets show a chart with :func:`to_html`: an ``<img>`` whose ``alt`` is the alt text, followed by
a "Data table" a screen reader (or anyone) can open and read cell by cell.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Sequence

import matplotlib
from matplotlib.figure import Figure

from shine.i18n import _

from .html import esc

INK = "#1f2933"
MID = "#7b8794"
LIGHT = "#d9e2ec"
# Dark-to-light, so the series stay apart when printed in grey.
SERIES = [("#1c4e80", "o", "-"), ("#c05621", "s", "--"), ("#2f855a", "^", ":"), ("#6b46c1", "D", "-."),
          ("#975a16", "v", "-"), ("#2c7a7b", "P", "--"), ("#9b2c2c", "X", ":"), ("#4a5568", "*", "-.")]

# Text is drawn as written, never parsed as maths: a school typed as "$$ Academy" would otherwise
# make matplotlib's maths parser fail, and with it every chart (and page) that shows the name. Every
# chart in shine is drawn with this module imported (the wall, the Mini Visit board and the grading
# report take their Figure from here), so the setting holds wherever user text reaches a chart.
matplotlib.rcParams["text.parse_math"] = False


Table = tuple[list[str], list[list[str]]]  # column headers; rows (the first cell names the row)


def alt_text(fig: Figure) -> str:
    return fig.get_label()


def table(fig: Figure) -> Table | None:
    """The numbers the chart draws: ``(headers, rows)``, every cell as text; None for a figure
    not drawn here."""
    return getattr(fig, "shine_table", None)


def set_table(fig: Figure, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Figure:
    fig.shine_table = ([str(h) for h in headers], [[str(c) for c in row] for row in rows])
    return fig


def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "") -> str:
    """A real table, every cell escaped: column headers, and each row named by its first cell."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f'<th scope="row">{esc(c)}</th>' if i == 0 else f"<td>{esc(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="shine-data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def data_table_html(fig: Figure) -> str:
    """The chart's numbers in a closed "Data table" section (empty for a figure without them)."""
    found = table(fig)
    if not found:
        return ""
    headers, rows = found
    summary = esc(_("Data table"))
    return (f'<details class="shine-chart-data"><summary>{summary}</summary>'
            f"{table_html(headers, rows, _title(fig))}</details>")


def _title(fig: Figure) -> str:
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    return suptitle or next((ax.get_title() for ax in fig.axes if ax.get_title()), "")


def to_png(fig: Figure, dpi: int = 96) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def to_html(fig: Figure, dpi: int = 96) -> str:
    data = base64.b64encode(to_png(fig, dpi)).decode("ascii")
    return (f'<figure class="shine-chart" style="margin:0.5rem 0"><img src="data:image/png;base64,{data}" '
            f'alt="{esc(alt_text(fig))}" style="max-width:100%;height:auto"/>{data_table_html(fig)}</figure>')


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return _("not rated")
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _finish(fig: Figure, alt: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Figure:
    fig.set_label(alt)
    set_table(fig, headers, rows)
    fig.tight_layout()
    return fig


# --- radar: the 4 Cs --------------------------------------------------------------------------


def radar(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, maximum: float,
          title: str, value_label: str) -> Figure:
    """One closed line per series around ``categories``; a missing value is drawn at 0 and
    named in the alt text."""
    n = len(categories)
    angles = [2 * math.pi * i / n for i in range(n)] + [0.0]
    fig = Figure(figsize=(6.4, 5.6))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, maximum)
    ax.set_yticks(list(range(1, int(maximum) + 1)))
    ax.set_xticks(angles[:-1])
    ax.set_xticklabels(categories, fontsize=11)
    ax.tick_params(axis="x", pad=12)
    for label, angle in zip(ax.get_xticklabels(), angles):  # names on the sides grow outwards, off the ring
        side = math.sin(angle)
        label.set_horizontalalignment("left" if side > 0.1 else "right" if side < -0.1 else "center")
    ax.set_ylabel(value_label)
    ax.yaxis.set_label_coords(-0.3, 0.5)
    for i, (name, values) in enumerate(series):
        colour, marker, style = SERIES[i % len(SERIES)]
        points = [v or 0 for v in values]
        ax.plot(angles, points + points[:1], color=colour, marker=marker, linestyle=style, linewidth=2,
                markersize=8, label=name)
        ax.fill(angles, points + points[:1], color=colour, alpha=0.08)
    ax.set_title(title, pad=22, fontsize=13)
    if series:
        ax.legend(loc="upper right", bbox_to_anchor=(1.32, 1.12), frameon=False)
    parts = []
    for name, values in series:
        shown = ", ".join(_("{category} {value}").format(category=c, value=_fmt(v)) for c, v in zip(categories, values))
        parts.append(_("{series}: {values}.").format(series=name, values=shown))
    alt = _("Radar chart, {title}. Each axis runs from 0 to {maximum}.").format(title=title, maximum=_fmt(maximum))
    rows = [[c, *(_fmt(values[i]) for _name, values in series)] for i, c in enumerate(categories)]
    return _finish(fig, " ".join([alt, *parts]), [_("Category"), *(name for name, _v in series)], rows)


# --- horizontal scores with a threshold -----------------------------------------------------------


def scores(labels: Sequence[str], values: Sequence[float | None], *, threshold: float, maximum: float, title: str,
           xlabel: str, ylabel: str, strong_label: str, grow_label: str) -> Figure:
    """One bar per label. Bars at or above ``threshold`` are solid and marked ``strong_label``;
    bars below are hatched and marked ``grow_label``."""
    fig = Figure(figsize=(7.6, 0.55 * len(labels) + 1.8))
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    for y, value in zip(ys, values):
        if value is None:
            ax.text(0.05, y, _("not rated yet"), va="center", color=MID, fontsize=10)
            continue
        strong = value >= threshold
        ax.barh(y, value, color="#1c4e80" if strong else "#f2f4f7", edgecolor=INK, hatch=None if strong else "//",
                height=0.6)
        word = strong_label if strong else grow_label
        ax.text(min(value, maximum) + 0.05, y, f"{_fmt(value)}  {word}", va="center", fontsize=10, color=INK)
    ax.axvline(threshold, color=INK, linestyle="--", linewidth=1)
    ax.text(threshold, len(labels) - 0.4, " " + _("strong from {n}").format(n=_fmt(threshold)), fontsize=9,
            color=INK, va="bottom")
    ax.set_yticks(ys)
    ax.set_yticklabels(labels)
    ax.set_xlim(0, maximum + 1.6)
    ax.set_xticks(list(range(0, int(maximum) + 1)))
    ax.set_ylim(-0.6, len(labels) - 0.1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)
    described = []
    for label, value in zip(labels, values):
        word = "" if value is None else (strong_label if value >= threshold else grow_label)
        described.append(_("{label}: {value} {word}").format(label=label, value=_fmt(value), word=word).strip())
    alt = _("Bar chart, {title}. Scores from 0 to {maximum}; {threshold} or more counts as a strength.").format(
        title=title, maximum=_fmt(maximum), threshold=_fmt(threshold))
    rows = [[label, _fmt(value), "" if value is None else (strong_label if value >= threshold else grow_label)]
            for label, value in zip(labels, values)]
    return _finish(fig, alt + " " + "; ".join(described) + ".", [ylabel, xlabel, _("Reading")], rows)


def team_spread(labels: Sequence[str], members: Sequence[tuple[str, Sequence[float | None]]], *, threshold: float,
                maximum: float, title: str, xlabel: str, ylabel: str, mean_label: str) -> Figure:
    """The team's mean per label as a hatched bar, and each member's score as a marker of its
    own shape, so a reader sees both where the team stands and how far views differ."""
    fig = Figure(figsize=(7.6, 0.7 * len(labels) + 2.2))
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    means = []
    for row, y in enumerate(ys):
        vals = [m[1][row] for m in members if m[1][row] is not None]
        mean = sum(vals) / len(vals) if vals else None
        means.append(mean)
        if mean is not None:
            ax.barh(y, mean, color=LIGHT, edgecolor=INK, hatch="..", height=0.7,
                    label=mean_label if row == 0 else None)
    for i, (name, values) in enumerate(members):
        colour, marker, _style = SERIES[i % len(SERIES)]
        offset = (i - (len(members) - 1) / 2) * min(0.12, 0.5 / max(len(members), 1))
        pts = [(v, y + offset) for v, y in zip(values, ys) if v is not None]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, s=70, color=colour,
                       edgecolor=INK, linewidth=0.6, zorder=3, label=name)
    ax.axvline(threshold, color=INK, linestyle="--", linewidth=1)
    ax.text(threshold, len(labels) - 0.45, " " + _("strong from {n}").format(n=_fmt(threshold)), fontsize=9,
            color=INK, va="bottom")
    ax.set_yticks(ys)
    ax.set_yticklabels(labels)
    ax.set_ylim(-0.6, len(labels) - 0.05)
    ax.set_xlim(0, maximum + 0.5)
    ax.set_xticks(list(range(0, int(maximum) + 1)))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(4, len(members) + 1), frameon=False)
    described = []
    for row, label in enumerate(labels):
        vals = [m[1][row] for m in members if m[1][row] is not None]
        spread = _("range {low} to {high}").format(low=_fmt(min(vals)), high=_fmt(max(vals))) if vals else ""
        described.append(_("{label}: team mean {mean} {spread}").format(
            label=label, mean=_fmt(means[row]), spread=spread).strip())
    alt = _("Chart, {title}, for {n} team members. Scores from 0 to {maximum}; dashed line at {threshold}.").format(
        title=title, n=len(members), maximum=_fmt(maximum), threshold=_fmt(threshold))
    rows = [[label, _fmt(means[row]), *(_fmt(m[1][row]) for m in members)] for row, label in enumerate(labels)]
    return _finish(fig, alt + " " + "; ".join(described) + ".", [ylabel, mean_label, *(m[0] for m in members)], rows)


# --- one share against a threshold ------------------------------------------------------------------


def coverage(percent: float, threshold: float, *, title: str, xlabel: str, ylabel: str, bar_label: str,
             threshold_label: str) -> Figure:
    """A single bar (``percent`` of 100) against a dashed threshold line."""
    fig = Figure(figsize=(7.6, 2.6))
    ax = fig.add_subplot()
    reached = percent >= threshold
    ax.barh(0, percent, color="#1c4e80" if reached else "#f2f4f7", edgecolor=INK,
            hatch=None if reached else "//", height=0.5)
    ax.axvline(threshold, color=INK, linestyle="--", linewidth=1.5)
    top = max(25.0, min(100.0, math.ceil((max(percent, threshold) * 1.5) / 5) * 5))
    ax.text(threshold, 0.42, " " + threshold_label, fontsize=9, color=INK, va="bottom")
    ax.text(min(percent, top) + top * 0.01, 0, f"{percent:.1f}%", va="center", fontsize=11, color=INK)
    ax.set_xlim(0, top)
    ax.set_ylim(-0.5, 0.9)
    ax.set_yticks([0])
    ax.set_yticklabels([bar_label])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)
    alt = _("Bar chart, {title}: {percent}% against a dashed line at {threshold}% ({where}).").format(
        title=title, percent=f"{percent:.1f}", threshold=_fmt(threshold),
        where=_("reached") if reached else _("not yet reached"))
    return _finish(fig, alt, [ylabel, xlabel, threshold_label],
                   [[bar_label, f"{percent:.1f}%", f"{_fmt(threshold)}%"]])


# --- counts per category, gaps named ------------------------------------------------------------------


def counts(labels: Sequence[str], values: Sequence[int], *, title: str, xlabel: str, ylabel: str,
           gap_label: str) -> Figure:
    """Horizontal bars of whole-number counts; a zero is written out as ``gap_label``."""
    fig = Figure(figsize=(7.6, 0.42 * len(labels) + 1.6))
    ax = fig.add_subplot()
    ys = list(range(len(labels)))[::-1]
    top = max([*values, 1])
    for y, value in zip(ys, values):
        if value:
            ax.barh(y, value, color="#1c4e80", edgecolor=INK, height=0.6)
            ax.text(value + top * 0.02, y, str(value), va="center", fontsize=10)
        else:
            ax.barh(y, top * 0.04, color="white", edgecolor=MID, hatch="xx", height=0.6)
            ax.text(top * 0.06, y, gap_label, va="center", fontsize=10, style="italic", color=INK)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=10)
    ax.set_xlim(0, top * 1.25 + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=13)
    ax.spines[["top", "right"]].set_visible(False)
    gaps = [label for label, value in zip(labels, values) if not value]
    alt = _("Bar chart, {title}. {filled} of {total} have at least one; gaps: {gaps}.").format(
        title=title, filled=len(labels) - len(gaps), total=len(labels), gaps=", ".join(gaps) or _("none"))
    rows = [[label, str(value) if value else f"0 ({gap_label})"] for label, value in zip(labels, values)]
    return _finish(fig, alt, [ylabel, xlabel], rows)


# --- phases of a program, actual vs planned ------------------------------------------------------------


def phases(phase_labels: Sequence[str], measures: Sequence[tuple[str, Sequence[float]]], planned: Sequence[bool],
           *, title: str, xlabel: str, planned_label: str, approximate: Sequence[Sequence[bool]] = ()) -> Figure:
    """One panel per measure (e.g. districts, schools), one bar per phase; planned phases are
    hatched and say so; approximate values are written with "about"."""
    fig = Figure(figsize=(3.3 * len(measures) + 0.8, 3.4))
    axes = fig.subplots(1, len(measures), squeeze=False)[0]
    for m, (ax, (measure, values)) in enumerate(zip(axes, measures)):
        xs = list(range(len(phase_labels)))
        for x, value, is_planned in zip(xs, values, planned):
            ax.bar(x, value, color="white" if is_planned else "#1c4e80", edgecolor=INK,
                   hatch="//" if is_planned else None, width=0.6)
            about = approximate and approximate[m][x]
            text = _("about {n}").format(n=f"{value:,.0f}") if about else f"{value:,.0f}"
            ax.text(x, value, text, ha="center", va="bottom", fontsize=10)
        ax.set_xticks(xs)
        ax.set_xticklabels([p + ("\n(" + planned_label + ")" if pl else "") for p, pl in zip(phase_labels, planned)],
                           fontsize=9)
        ax.set_ylabel(measure)
        ax.set_xlabel(xlabel)
        ax.set_ylim(0, max(values) * 1.25)
        ax.set_title(measure, fontsize=11)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title, fontsize=13)
    described = []
    for m, (measure, values) in enumerate(measures):
        shown = ", ".join(
            f"{p}: " + (_("about {n}").format(n=f"{v:,.0f}") if approximate and approximate[m][x] else f"{v:,.0f}")
            + (f" ({planned_label})" if pl else "")
            for x, (p, v, pl) in enumerate(zip(phase_labels, values, planned)))
        described.append(f"{measure}: {shown}")
    alt = _("Bar charts, {title}. {details}.").format(title=title, details="; ".join(described))

    def cell(m: int, x: int, value: float) -> str:
        return _("about {n}").format(n=f"{value:,.0f}") if approximate and approximate[m][x] else f"{value:,.0f}"

    rows = [[p + (f" ({planned_label})" if pl else ""),
             *(cell(m, x, values[x]) for m, (_measure, values) in enumerate(measures))]
            for x, (p, pl) in enumerate(zip(phase_labels, planned))]
    return _finish(fig, alt, [xlabel, *(measure for measure, _v in measures)], rows)
