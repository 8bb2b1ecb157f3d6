"""A One-Year Action Plan as a Word document, Markdown, or a printable web page.

All three share :func:`layout`, so the words, the order and the columns are the same whatever
the format: a title, the school / district / year header, the Action Team, then per goal its
link to the school improvement plan, desired result and measure, and a table of its activities
with the fields of the NNPS forms. A short "plan check" ends each export, so a district leader
collecting plans sees at a glance which are ready.

User text is never markup: the Word file holds it as text runs, Markdown escapes every
character that could start formatting or HTML, and the web page escapes it with
``shine.web.html.esc``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from shine import content
from shine.i18n import _
from shine.web.html import esc

from .model import Activity, Goal, Plan, field_label, kind_name, level_label
from .rules import Report, check

FORMATS = ("docx", "md", "html", "json")
# The Word page: US letter, landscape, and the six activity columns of the NNPS forms (inches).
PAGE_MARGIN_IN = 0.6
ACTIVITY_COLUMNS_IN = (2.0, 1.2, 2.0, 1.6, 1.4, 1.6)


# --- what every format shows ------------------------------------------------------------------


@dataclass
class GoalBlock:
    heading: str
    facts: list[tuple[str, str]]
    rows: list[list[str]]


@dataclass
class Layout:
    title: str
    subtitle: str
    header: list[tuple[str, str]]
    team: list[tuple[str, str]]
    columns: list[str]
    goals: list[GoalBlock]
    check_title: str
    check_lines: list[str] = field(default_factory=list)


def _when(activity: Activity) -> str:
    if activity.start and activity.end and activity.end != activity.start:
        return _("{start} to {end}").format(start=activity.start.isoformat(), end=activity.end.isoformat())
    day = activity.start or activity.end
    return day.isoformat() if isinstance(day, date) else ""


def _cost(activity: Activity) -> str:
    if activity.cost is None:
        return ""
    amount = activity.cost
    return f"${amount:,.0f}" if amount == int(amount) else f"${amount:,.2f}"


def _join(*parts: str, sep: str = "\n") -> str:
    return sep.join(p for p in parts if p)


def _activity_row(plan: Plan, goal: Goal, activity: Activity) -> list[str]:
    kind = plan.activity_type(goal, activity)
    type_name = kind_name(kind) if kind else ""
    standard = content.get("standard", activity.standard).name_2022 if activity.standard else ""
    grades = _("Grades: {grades}").format(grades=activity.grades) if activity.grades else ""
    lead = _("In charge: {who}").format(who=activity.lead) if activity.lead else ""
    helpers = _("Helping: {who}").format(who=activity.helpers) if activity.helpers else ""
    play = _("Play: {title}").format(title=content.get("play", activity.play).assets[0]) if activity.play else ""
    return [
        _join(activity.what, _join(type_name, standard, sep=" · "), play),
        _join(_when(activity), grades),
        activity.tasks,
        _join(lead, helpers),
        _join(activity.resources, _cost(activity)),
        activity.evaluation,
    ]


def layout(plan: Plan, report: Report | None = None) -> Layout:
    report = report or check(plan)
    roles = content.index().items["role"]
    form = _("Form G: activities organised by goals") if plan.form == "G" else \
        _("Form T: activities organised by the six types of involvement")
    header = [(field_label("school"), plan.school), (field_label("district"), plan.district),
              (field_label("school_year"), plan.school_year)]
    if plan.level:
        header.append((field_label("level"), level_label(plan.level)))
    team = [(roles[m.role].name if m.role in roles else m.role, m.name) for m in plan.team]
    columns = [_("Activity, type and standard"), _("Date and grades"), field_label("tasks"),
               _("Persons in charge and helping"), field_label("resources"), field_label("evaluation")]
    goals = []
    for n, goal in enumerate(plan.goals, start=1):
        heading = _("Goal {n} ({kind})").format(n=n, kind=kind_name(goal.kind))
        if goal.title:
            heading += ": " + goal.title
        facts = [(field_label(name), getattr(goal, name)) for name in ("sip_goal", "result", "measure")]
        goals.append(GoalBlock(heading, facts, [_activity_row(plan, goal, a) for a in goal.activities]))
    names = {r.rule.id: r.rule.name for r in report.results}
    if report.ok and not report.warnings:
        lines = [_("This plan passes every rule.")]
    else:
        labels = {"error": _("Error"), "warning": _("Advice")}
        lines = [f"{labels[f.severity]}: {names.get(f.rule, f.rule)}. {f.message}" for f in report.findings]
    return Layout(_("One-Year Action Plan for Partnerships"), form, header, team, columns, goals,
                  _("Plan check"), lines)


def file_name(plan: Plan, fmt: str) -> str:
    """``riverside-high-school-2026-2027-plan.docx``: only letters, digits and dashes."""
    stem = re.sub(r"[^a-z0-9]+", "-", plan.school.casefold()).strip("-")[:60] or "school"
    return f"{stem}-{plan.school_year}-plan.{fmt}"


# --- Word ------------------------------------------------------------------------------------


def _row_flag(row, name: str) -> None:
    """``tblHeader``: repeat the row on every page; ``cantSplit``: keep a row on one page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement(f"w:{name}")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _cell_text(cell, text: str, *, bold: bool = False) -> None:
    """One paragraph per line, so a multi-line field keeps its lines in Word."""
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph = cell.add_paragraph()
        paragraph.add_run(line).bold = bold


def _table(doc, rows: list[list[str]], header: list[str] | None, widths: list[float]):
    from docx.shared import Inches

    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    if header:
        row = table.add_row()
        for cell, text in zip(row.cells, header):
            _cell_text(cell, text, bold=True)
        _row_flag(row, "tblHeader")
    for values in rows:
        row = table.add_row()
        for cell, text in zip(row.cells, values):
            _cell_text(cell, text)
        _row_flag(row, "cantSplit")
    # Word reads the cells' widths, LibreOffice the table grid's: set both.
    for column, width in zip(table.columns, widths):
        column.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Inches(width)
    return table


def to_docx(plan: Plan, report: Report | None = None) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Pt

    lay = layout(plan, report)
    doc = Document()
    section = doc.sections[0]
    # Landscape: six activity columns are what the NNPS forms have.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Inches(11), Inches(8.5)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(PAGE_MARGIN_IN))
    doc.styles["Normal"].font.size = Pt(9.5)
    section.header.paragraphs[0].text = " · ".join(v for _k, v in lay.header[:3])
    doc.core_properties.title = f"{lay.title}: {plan.school}, {plan.school_year}"

    doc.add_heading(lay.title, level=0)
    doc.add_paragraph(lay.subtitle)
    _table(doc, [[k, v] for k, v in lay.header], None, [2.0, 7.8])
    doc.add_heading(field_label("team"), level=1)
    if lay.team:
        _table(doc, [[role, name or "—"] for role, name in lay.team], [field_label("role"), field_label("name")],
               [3.0, 6.8])
    else:
        doc.add_paragraph(_("No team members are listed yet."))
    for block in lay.goals:
        doc.add_heading(block.heading, level=1)
        _table(doc, [[k, v or "—"] for k, v in block.facts], None, [2.6, 7.2])
        doc.add_paragraph()
        if block.rows:
            _table(doc, block.rows, lay.columns, list(ACTIVITY_COLUMNS_IN))
        else:
            doc.add_paragraph(_("No activities yet."))
    doc.add_heading(lay.check_title, level=1)
    for line in lay.check_lines:
        doc.add_paragraph(line, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as typed: no emphasis, links, HTML, lists or table breaks."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(\s*)([-=])", r"\1\\\2", text, flags=re.M)
    return re.sub(r"^(\s*\d+)\.", r"\1\\.", text, flags=re.M)


def _md_cell(text: str) -> str:
    return "<br>".join(md_escape(line) for line in text.split("\n")) or " "


def to_markdown(plan: Plan, report: Report | None = None) -> str:
    lay = layout(plan, report)
    out = [f"# {md_escape(lay.title)}", "", f"*{md_escape(lay.subtitle)}*", ""]
    out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in lay.header] + [""]
    out += [f"## {md_escape(field_label('team'))}", ""]
    if lay.team:
        out += [f"| {md_escape(field_label('role'))} | {md_escape(field_label('name'))} |", "|---|---|"]
        out += [f"| {_md_cell(role)} | {_md_cell(name or '—')} |" for role, name in lay.team]
    else:
        out.append(md_escape(_("No team members are listed yet.")))
    for block in lay.goals:
        out += ["", f"## {_md_cell(block.heading)}", ""]
        out += [f"- **{md_escape(k)}:** {_md_cell(v or '—')}" for k, v in block.facts] + [""]
        if block.rows:
            out.append("| " + " | ".join(md_escape(c) for c in lay.columns) + " |")
            out.append("|" + "---|" * len(lay.columns))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
        else:
            out.append(md_escape(_("No activities yet.")))
    out += ["", f"## {md_escape(lay.check_title)}", ""] + [f"- {_md_cell(line)}" for line in lay.check_lines]
    return "\n".join(out) + "\n"


# --- printable web page -------------------------------------------------------------------------

PRINT_CSS = """
@page { size: letter landscape; margin: 1.5cm; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 11pt;
       color: #1f2933; max-width: 75rem; margin: 1rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 1.6rem; border-bottom: 2px solid #1f2933; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0; }
th, td { border: 1px solid #7b8794; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #e4e7eb; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.facts th { width: 16rem; }
.meta { color: #52606d; }
@media print { body { margin: 0; max-width: none; } }
"""


def _html_text(text: str) -> str:
    return "<br>".join(esc(line) for line in text.split("\n"))


def to_html(plan: Plan, report: Report | None = None) -> str:
    lay = layout(plan, report)
    parts = [f"<h1>{esc(lay.title)}</h1>", f'<p class="meta">{esc(lay.subtitle)}</p>', '<table class="facts">']
    parts += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in lay.header]
    parts += ["</table>", f"<h2>{esc(field_label('team'))}</h2>"]
    if lay.team:
        parts.append(f"<table><thead><tr><th>{esc(field_label('role'))}</th><th>{esc(field_label('name'))}</th>"
                     "</tr></thead><tbody>")
        parts += [f"<tr><td>{esc(role)}</td><td>{esc(name or '—')}</td></tr>" for role, name in lay.team]
        parts.append("</tbody></table>")
    else:
        parts.append("<p>" + esc(_("No team members are listed yet.")) + "</p>")
    for block in lay.goals:
        parts.append(f"<section><h2>{esc(block.heading)}</h2><table class=\"facts\">")
        parts += [f"<tr><th>{esc(k)}</th><td>{_html_text(v or '—')}</td></tr>" for k, v in block.facts]
        parts.append("</table>")
        if block.rows:
            head = "".join(f"<th>{esc(c)}</th>" for c in lay.columns)
            body = "".join("<tr>" + "".join(f"<td>{_html_text(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            parts.append("<p>" + esc(_("No activities yet.")) + "</p>")
        parts.append("</section>")
    parts.append(f"<h2>{esc(lay.check_title)}</h2><ul>")
    parts += [f"<li>{esc(line)}</li>" for line in lay.check_lines]
    parts.append("</ul>")
    title = f"{lay.title}: {plan.school}, {plan.school_year}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{PRINT_CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


# --- one entry point --------------------------------------------------------------------------


def export(plan: Plan, fmt: str, report: Report | None = None) -> bytes:
    """The plan in ``fmt`` (docx, md, html or json), as the bytes of a file."""
    if fmt == "docx":
        return to_docx(plan, report)
    if fmt == "md":
        return to_markdown(plan, report).encode("utf-8")
    if fmt == "html":
        return to_html(plan, report).encode("utf-8")
    if fmt == "json":
        return (plan.to_json() + "\n").encode("utf-8")
    raise ValueError(_("{fmt!r} is not an export format; use one of: {formats}.").format(
        fmt=fmt, formats=", ".join(FORMATS)))


MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "html": "text/html",
    "json": "application/json",
}
