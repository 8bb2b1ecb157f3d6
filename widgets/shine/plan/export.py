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
from datetime import date, datetime, timezone

from shine import content
from shine.i18n import _, get_language, language
from shine.web.html import esc

from .files import file_name, plan_path, team_key  # noqa: F401 - part of this module's interface
from .model import Activity, Goal, Plan, field_label, kind_name, level_label
from .rules import Report, check

FORMATS = ("docx", "md", "html", "json")
# The Word page: US letter, landscape, and the six activity columns of the NNPS forms (inches).
PAGE_MARGIN_IN = 0.6
ACTIVITY_COLUMNS_IN = (2.0, 1.2, 2.0, 1.6, 1.4, 1.6)
ROW_KEPT_WHOLE_MAX_LINES = 30  # a taller activity row may break across pages (Word would cut it)


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
    form = _("Form G: activities organized by goals") if plan.form == "G" else \
        _("Form T: activities organized by the six types of involvement")
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


def _keep_with_next(row) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _fits_a_page(values: list[str], widths: list[float]) -> bool:
    """Roughly whether a row fits on one page (about 15 characters an inch at 9.5 pt, 40 lines
    a landscape page): only such rows are kept whole; a longer one must be allowed to break."""
    lines = max(sum(1 + len(line) // max(1, int(width * 15)) for line in text.split("\n"))
                for text, width in zip(values, widths))
    return lines <= ROW_KEPT_WHOLE_MAX_LINES


def _table(doc, rows: list[list[str]], header: list[str] | None, widths: list[float], *,
           caption: str = "", keep_rows: int = 0):
    """A table; ``caption`` (a goal's name) and ``header`` repeat at the top of every page the table
    runs onto. The captions, the header and the first ``keep_rows`` rows stay with what follows."""
    from docx.shared import Inches

    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    heads = []
    if caption:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        _cell_text(merged, caption, bold=True)
        heads.append(row)
    if header:
        row = table.add_row()
        for cell, text in zip(row.cells, header):
            _cell_text(cell, text, bold=True)
        heads.append(row)
    for row in heads:
        _row_flag(row, "tblHeader")
        _row_flag(row, "cantSplit")
        _keep_with_next(row)
    for i, values in enumerate(rows):
        row = table.add_row()
        for cell, text in zip(row.cells, values):
            _cell_text(cell, text)
        if _fits_a_page(values, widths):
            _row_flag(row, "cantSplit")
        if i < keep_rows:
            _keep_with_next(row)
    # Word reads the cells' widths, LibreOffice the table grid's: set both.
    for column, width in zip(table.columns, widths):
        column.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Inches(width)
    return table


def _heading(doc, text: str, level: int):
    heading = doc.add_heading(text, level=level)
    heading.paragraph_format.keep_with_next = True  # never alone at the bottom of a page
    return heading


def _field(paragraph, code: str, shown: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that the office suite fills in on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(char("end"))


def _footer(section, title: str) -> None:
    """``<plan title>`` on the left, ``Page N of M`` on the right of every page."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Inches, Pt

    paragraph = section.footer.paragraphs[0]
    width = section.page_width - section.left_margin - section.right_margin
    stops = paragraph.paragraph_format.tab_stops
    for inches in (3.25, 6.5):  # the Footer style's centre and right tabs, made for portrait
        stops.add_tab_stop(Inches(inches), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(title).font.size = Pt(8)
    paragraph.add_run("\t")
    for part in re.split(r"(\{page\}|\{pages\})", _("Page {page} of {pages}")):
        if part == "{page}":
            _field(paragraph, "PAGE", "1")
        elif part == "{pages}":
            _field(paragraph, "NUMPAGES", "1")
        elif part:
            paragraph.add_run(part)


PROPERTY_MAX = 255  # python-docx refuses a longer core property (the format's limit)


def _properties(doc, plan: Plan, lay: Layout, title: str) -> None:
    """The file's own properties (what a file list, a search or a PDF's metadata shows): the
    plan's, not python-docx's template (author "python-docx", created in 2013)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fit(text: str) -> str:  # the file format holds at most 255 characters per property
        return text if len(text) <= PROPERTY_MAX else text[:PROPERTY_MAX - 1] + "…"

    props = doc.core_properties
    team = fit(", ".join(v for v in (plan.school, plan.district) if v))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    props.title, props.author, props.last_modified_by = fit(title), team, team
    props.created = props.modified = now
    props.subject = fit(_("School, family and community partnerships, {year}").format(year=plan.school_year))
    props.keywords = fit("; ".join([_("One-Year Action Plan"), _("family engagement"), _("partnerships"),
                                    plan.school, plan.district, plan.school_year]))
    props.category = fit(lay.subtitle)
    props.comments = fit(" ".join(lay.check_lines))
    props.identifier = fit(team_key(plan))
    props.language = fit(get_language())
    # The language Word checks the spelling in: the document's default, for every paragraph.
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), get_language())


def to_docx(plan: Plan, report: Report | None = None) -> bytes:
    """The plan as a Word file: landscape letter pages, the school on top of each page, the plan's
    title and "Page N of M" at the bottom; a goal's heading, its facts and the first activity stay
    on one page, and an activity table running onto the next page repeats the goal and the columns."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Pt

    lay = layout(plan, report)
    title = f"{lay.title}: {plan.school}, {plan.school_year}"
    doc = Document()
    section = doc.sections[0]
    # Landscape: six activity columns are what the NNPS forms have.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Inches(11), Inches(8.5)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(PAGE_MARGIN_IN))
    doc.styles["Normal"].font.size = Pt(9.5)
    section.header.paragraphs[0].text = " · ".join(v for _k, v in lay.header[:3])
    _footer(section, title)
    _properties(doc, plan, lay, title)

    doc.add_heading(lay.title, level=0)
    doc.add_paragraph(lay.subtitle)
    _table(doc, [[k, v] for k, v in lay.header], None, [2.0, 7.8])
    _heading(doc, field_label("team"), 1)
    if lay.team:
        _table(doc, [[role, name or "—"] for role, name in lay.team], [field_label("role"), field_label("name")],
               [3.0, 6.8])
    else:
        doc.add_paragraph(_("No team members are listed yet."))
    for block in lay.goals:
        _heading(doc, block.heading, 1)
        _table(doc, [[k, v or "—"] for k, v in block.facts], None, [2.6, 7.2], keep_rows=len(block.facts))
        doc.add_paragraph().paragraph_format.keep_with_next = True
        if block.rows:
            _table(doc, block.rows, lay.columns, list(ACTIVITY_COLUMNS_IN),
                   caption=_("Activities for {goal}").format(goal=block.heading))
        else:
            doc.add_paragraph(_("No activities yet."))
    _heading(doc, lay.check_title, 1)
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
    out += ["", f"<!-- {team_key(plan)} -->"]  # whose file this is (plan_path); invisible when shown
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
            f"<title>{esc(title)}</title><meta name=\"shine-team\" content=\"{team_key(plan)}\">"
            f"<style>{PRINT_CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


# --- one entry point --------------------------------------------------------------------------


def export(plan: Plan, fmt: str, report: Report | None = None, lang: str | None = None) -> bytes:
    """The plan in ``fmt`` (docx, md, html or json), as the bytes of a file: every label in the
    session's language, or in ``lang`` (then the plan is checked again in that language, so its
    findings read in it too). The team's own text stays as typed."""
    if lang is not None:
        with language(lang):
            return export(plan, fmt)
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
