"""The district progress board of the Mini Visit tracker: a table and a chart, for one district
(a bar per school) or a state view (schools counted by how recently they were visited)."""

from __future__ import annotations

import io
from datetime import date

from shine.i18n import _
from shine.store.visits import BoardRow
from shine.web.html import esc, page

BANDS = (30, 60)  # days: visited recently / due soon / overdue
PER_SCHOOL_LIMIT = 30  # above this many schools a bar each is unreadable: count them by band


def band(row: BoardRow, today: date) -> str:
    days = row.days_since_visit(today)
    if days is None:
        return "never"
    return "recent" if days <= BANDS[0] else "due" if days <= BANDS[1] else "overdue"


def band_label(name: str) -> str:
    return {"recent": _("visited in the last {n} days").format(n=BANDS[0]),
            "due": _("{a}-{b} days ago").format(a=BANDS[0] + 1, b=BANDS[1]),
            "overdue": _("more than {n} days ago").format(n=BANDS[1]),
            "never": _("not visited yet")}[name]


def table_html(rows: list[BoardRow], today: date) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("School"), _("Last visit"), _("Next visit"), _("Open follow-ups"),
                                                    _("Overdue"), _("Plan")))
    body = []
    for r in rows:
        plan = _("saved (version {v})").format(v=r.plan_version) if r.plan_version else _("not yet")
        body.append(
            f"<tr><td>{esc(r.school)}</td><td>{esc(r.last_visit or '')} <small>({esc(band_label(band(r, today)))})</small></td>"
            f"<td>{esc(r.next_visit.strftime('%Y-%m-%d %H:%M') if r.next_visit else '')}</td>"
            f"<td>{r.open_followups}</td><td>{'&#9888; ' if r.overdue_followups else ''}{r.overdue_followups}</td>"
            f"<td>{esc(plan)}</td></tr>")
    return page(f"<table>{''.join(['<tr>' + head + '</tr>'] + body)}</table>")


def chart_png(rows: list[BoardRow], today: date, title: str) -> tuple[bytes, str]:
    """PNG bytes and alt text of :func:`chart_figure`."""
    fig = chart_figure(rows, today, title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, metadata={"Description": fig.get_label()})
    return buf.getvalue(), fig.get_label()


def chart_figure(rows: list[BoardRow], today: date, title: str):
    """The board's chart, its alt text as its label and its numbers as its data table (a page shows
    it with ``shine.web.charts.to_html``). Bands carry hatching and labels, so colour is never the
    only signal."""
    from shine.web.charts import Figure, set_table  # text drawn as typed, never as maths

    styles = {"recent": ("#4a90c2", ""), "due": ("#f0c05a", ".."), "overdue": ("#e07b39", "//"), "never": ("#bbbbbb", "xx")}
    if len(rows) <= PER_SCHOOL_LIMIT:
        fig = Figure(figsize=(8, max(3.0, 0.35 * len(rows) + 1.6)), layout="constrained")
        ax = fig.subplots()
        values = [r.days_since_visit(today) for r in rows]
        longest = max([v for v in values if v is not None] or [BANDS[1]])
        for i, (r, v) in enumerate(zip(rows, values)):
            if v is None:  # no bar: a never-visited school must not look like a long gap
                ax.text(0.5, i, band_label("never"), va="center", fontsize=8, style="italic")
                continue
            color, hatch = styles[band(r, today)]
            ax.barh(i, v, color=color, hatch=hatch, edgecolor="black")
            ax.text(v + 0.5, i, f"{v}", va="center", fontsize=8)
        ax.set_xlim(0, max(longest, BANDS[1]) * 1.25)
        ax.set_yticks(range(len(rows)), [r.school for r in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(_("Days since the last Mini Visit"))
        ax.set_ylabel(_("School"))
    else:
        districts = sorted({r.district for r in rows})
        fig = Figure(figsize=(8, 0.45 * len(districts) + 1.8), layout="constrained")
        ax = fig.subplots()
        left = [0] * len(districts)
        for name in ("recent", "due", "overdue", "never"):
            counts = [sum(1 for r in rows if r.district == d and band(r, today) == name) for d in districts]
            color, hatch = styles[name]
            ax.barh(districts, counts, left=left, color=color, hatch=hatch, edgecolor="black", label=band_label(name))
            left = [a + b for a, b in zip(left, counts)]
        ax.invert_yaxis()
        ax.set_xlabel(_("Number of schools"))
        ax.set_ylabel(_("District"))
        ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title)
    names = ("recent", "due", "overdue", "never")
    counts = {name: sum(1 for r in rows if band(r, today) == name) for name in names}
    alt = _("Chart of {n} schools by time since their last Mini Visit: {parts}.").format(
        n=len(rows), parts="; ".join(f"{band_label(k)}: {v}" for k, v in counts.items()))
    fig.set_label(alt)
    if len(rows) <= PER_SCHOOL_LIMIT:
        set_table(fig, [_("School"), _("Days since the last Mini Visit")],
                  [[r.school, r.days_since_visit(today) if r.last_visit else band_label("never")] for r in rows])
    else:
        set_table(fig, [_("District")] + [band_label(name) for name in names],
                  [[d] + [sum(1 for r in rows if r.district == d and band(r, today) == name) for name in names]
                   for d in sorted({r.district for r in rows})])
    return fig
