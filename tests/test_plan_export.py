"""Exports of a plan: a Word file that a real office suite opens (LibreOffice turns it into a PDF
holding every goal and activity), Markdown and a printable web page that show user text as
text, and the `shine plan` commands."""

from __future__ import annotations

import bisect
import html
import re
import subprocess
import sys
import unicodedata
import zipfile
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from conftest import system_tool
from docx import Document

from shine.cli import main
from shine.plan.export import (ACTIVITY_COLUMNS_IN, PAGE_MARGIN_IN, export, file_name, md_escape, plan_path, team_key,
                               to_html, to_markdown)
from shine.plan.model import load_plan_file, plan_from_json
from shine.web.filenames import slug

SAMPLE = Path(__file__).resolve().parents[1] / "widgets" / "shine" / "data" / "sample_plan_high_school.json"
NASTY = {
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "markdown": "**bold** _it_ [link](http://evil.example) | pipe | `code` # not a heading",
    "lines": "1. first line\n- second line\n> third line",
    "emoji": "Reading night 📚👨‍👩‍👧",
    "rtl": "مشاركة الأسرة في المدرسة",
    "entity": "Tom &amp; Jerry &lt;b&gt;",
}


@pytest.fixture
def plan():
    return load_plan_file(SAMPLE)


@pytest.fixture
def nasty_plan(plan):
    plan.goals[0].title = NASTY["html"]
    plan.goals[1].title = NASTY["markdown"]
    plan.goals[2].sip_goal = NASTY["lines"]
    plan.goals[3].title = NASTY["emoji"] + " " + NASTY["rtl"]
    plan.goals[0].activities[0].what = NASTY["entity"]
    plan.goals[0].activities[1].tasks = NASTY["markdown"]
    plan.team[0].name = NASTY["html"]
    return plan


def squash(text: str) -> str:
    """Text without spaces or line breaks: table cells wrap wherever the column ends."""
    return re.sub(r"\s+", "", text)


# --- Word, through LibreOffice -------------------------------------------------------------------


def to_pdf(plan, folder: Path) -> Path:
    """The plan's .docx, turned into a PDF by LibreOffice."""
    soffice = system_tool("soffice", "the .docx export is checked by converting it with LibreOffice")
    docx = folder / file_name(plan, "docx")
    docx.write_bytes(export(plan, "docx"))
    profile = folder / "lo-profile"  # its own profile: a parallel worker's LibreOffice must not collide
    out = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(folder), str(docx)], capture_output=True, text=True, timeout=180)
    path = docx.with_suffix(".pdf")
    assert out.returncode == 0 and path.exists(), out.stdout + out.stderr
    return path


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    return to_pdf(load_plan_file(SAMPLE), tmp_path_factory.mktemp("docx"))


def pdf_pages(pdf: Path) -> list[str]:
    pdftotext = system_tool("pdftotext", "reads the text of the converted plan")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def activity_columns(pdf: Path) -> list[str]:
    """The PDF's words column by column of the activity tables, top to bottom, page after page:
    plain pdftotext reads a table row across its cells line by line, which interleaves them."""
    pdftotext = system_tool("pdftotext", "reads the text of the converted plan")
    xml = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    edges, x = [], PAGE_MARGIN_IN * 72
    for width in ACTIVITY_COLUMNS_IN:
        x += width * 72
        edges.append(x)
    columns: list[list[tuple]] = [[] for _ in edges]
    for number, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S)):
        for x_min, y_min, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', page):
            column = min(bisect.bisect(edges, float(x_min)), len(edges) - 1)
            columns[column].append((number, round(float(y_min)), float(x_min), html.unescape(word)))
    return [squash("".join(w for *_pos, w in sorted(words))) for words in columns]


def test_the_word_file_opens_in_libreoffice_and_holds_every_goal_and_activity(pdf, plan):
    pdftotext = system_tool("pdftotext", "reads the text of the converted plan")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = squash(text)
    for label in (plan.school, plan.district, plan.school_year, "One-Year Action Plan for Partnerships"):
        assert squash(label) in flat
    for goal in plan.goals:
        assert squash(goal.title) in flat, goal.title
        assert squash(goal.sip_goal) in flat
    assert "Thisplanpasseseveryrule." in flat
    what, when, tasks, people, _resources, evaluation = activity_columns(pdf)
    for _goal, activity in plan.activities():
        assert squash(activity.what) in what, activity.what
        assert activity.start.isoformat() in when
        assert squash(activity.tasks) in tasks
        assert squash(activity.lead) in people
        assert squash(activity.evaluation) in evaluation, activity.evaluation


def test_the_first_page_is_saved_as_a_picture(pdf, artifacts_dir):
    pdftoppm = system_tool("pdftoppm", "renders the plan's first page for people to look at")
    target = artifacts_dir / "plan-first-page"
    subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)],
                   check=True, timeout=60)
    png = target.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_the_word_file_is_laid_out_as_a_plan_to_file(plan):
    doc = Document(BytesIO(export(plan, "docx")))
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape: six columns
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "One-Year Action Plan for Partnerships"
    assert headings[1] == "Action Team"
    assert [h.split(":")[0] for h in headings[2:6]] == [
        "Goal 1 (Academic goals)", "Goal 2 (Academic goals)", "Goal 3 (Behavioral or other non-academic goal)",
        "Goal 4 (Welcoming climate of partnerships)"]
    assert plan.school in doc.sections[0].header.paragraphs[0].text
    # 1 header table + 1 team table + per goal: facts + activities.
    assert len(doc.tables) == 2 + 2 * len(plan.goals)
    team = doc.tables[1]
    assert len(team.rows) == 1 + len(plan.team)
    activities = doc.tables[3]
    assert activities.rows[0].cells[0].text == f"Activities for {headings[2]}"  # the goal, over every page
    assert activities.rows[1].cells[0].text == "Activity, type and standard"
    assert len(activities.rows) == 2 + len(plan.goals[0].activities)
    assert plan.goals[0].activities[0].lead in activities.rows[2].cells[3].text
    assert "$900" in activities.rows[2].cells[4].text


def test_the_word_file_keeps_every_script_as_text(nasty_plan):
    data = export(nasty_plan, "docx")
    doc = Document(BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert NASTY["html"] in text + cells
    assert NASTY["emoji"] + " " + NASTY["rtl"] in text
    assert NASTY["entity"] in cells
    with zipfile.ZipFile(BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;" in xml


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def row_flags(row) -> set[str]:
    pr = row._tr.trPr
    return set() if pr is None else {child.tag.replace(W, "") for child in pr}


def long_plan(plan):
    """Goal 1 with fifteen activities: its table runs over several pages."""
    goal = plan.goals[0]
    first = goal.activities[0]
    goal.activities = [first.model_copy(update={"id": f"a-{i}", "what": f"Activity number {i}: {first.what}"})
                       for i in range(15)]
    return plan


def test_the_word_file_numbers_its_pages_under_the_plans_title(plan):
    doc = Document(BytesIO(export(plan, "docx")))
    footer = doc.sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    fields = [t.strip() for t in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith(f"One-Year Action Plan for Partnerships: {plan.school}, {plan.school_year}\t")
    assert re.sub(r"\s+", " ", footer.text).endswith("Page 1 of 1")  # the fields' placeholders, filled when printed


def test_a_goal_stays_with_its_table_and_a_continued_table_repeats_the_goal(plan):
    plan = long_plan(plan)
    plan.goals[1].activities[0].tasks = "\n".join(f"Step {i}: call the families" for i in range(50))  # > a page
    doc = Document(BytesIO(export(plan, "docx")))
    body = list(doc.element.body)
    for goal_number, goal in enumerate(plan.goals, start=1):
        heading = next(p for p in doc.paragraphs if p.text.startswith(f"Goal {goal_number} ("))
        assert heading.paragraph_format.keep_with_next, heading.text
        # heading, facts table, spacer paragraph, activity table: all but the table lead into the next.
        i = body.index(heading._p)
        facts, spacer = body[i + 1], body[i + 2]
        assert facts.tag == W + "tbl" and spacer.tag == W + "p"
        assert all(p.paragraph_format.keep_with_next for t in doc.tables if t._tbl is facts
                   for r in t.rows for c in r.cells for p in c.paragraphs)
        assert "<w:keepNext/>" in spacer.xml
        table = next(t for t in doc.tables if t._tbl is body[i + 3])
        caption, columns = table.rows[0], table.rows[1]
        assert heading.text in caption.cells[0].text and len({id(c._tc) for c in caption.cells}) == 1  # merged
        assert columns.cells[0].text == "Activity, type and standard"
        assert {"tblHeader", "cantSplit"} <= row_flags(caption) and {"tblHeader", "cantSplit"} <= row_flags(columns)
        for row in table.rows[2:]:
            assert "tblHeader" not in row_flags(row)
    long_rows = doc.tables[5].rows[2:]  # goal 2: its first activity cannot fit on one page
    assert "cantSplit" not in row_flags(long_rows[0])
    assert all("cantSplit" in row_flags(r) for r in long_rows[1:])
    assert all("cantSplit" in row_flags(r) for r in doc.tables[3].rows)


def test_the_pdf_repeats_the_goal_on_every_page_its_table_runs_onto(plan, tmp_path):
    plan = long_plan(plan)
    pages = pdf_pages(to_pdf(plan, tmp_path))
    assert len(pages) >= 3
    title = squash(f"One-Year Action Plan for Partnerships: {plan.school}, {plan.school_year}")
    for number, page in enumerate(pages, start=1):
        assert squash(f"Page {number} of {len(pages)}") in squash(page), number
        assert title in squash(page)
    caption = squash("Activities for Goal 1 (Academic goals)")
    with_activities = [p for p in pages if "Activitynumber" in squash(p)]
    assert len(with_activities) >= 2
    for page in with_activities:  # a continued table starts again with the goal and the columns
        assert caption in squash(page) and "Activity,typeand" in squash(page)
    for goal_number, goal in enumerate(plan.goals, start=1):  # never a heading alone at a page's foot
        page = next(p for p in pages if squash(f"): {goal.title}") in squash(p))  # its heading's page
        assert squash(goal.sip_goal)[:40] in squash(page), goal_number  # its facts, and its first activity
        assert squash(" ".join(goal.activities[0].what.split()[:2])) in squash(page), goal_number


def test_the_pdf_says_whose_plan_it_is(pdf, plan):
    pdfinfo = system_tool("pdfinfo", "reads the converted plan's properties")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           One-Year Action Plan for Partnerships: {plan.school}, {plan.school_year}" in info
    assert plan.school in re.search(r"^Author:\s*(.*)$", info, re.M).group(1)
    pages = pdf_pages(pdf)
    assert squash(f"Page 1 of {len(pages)}") in squash(pages[0])
    assert squash(f"Page {len(pages)} of {len(pages)}") in squash(pages[-1])


def test_the_word_files_properties_are_the_plans(plan):
    before = datetime.now(timezone.utc) - timedelta(seconds=2)
    props = Document(BytesIO(export(plan, "docx"))).core_properties
    assert props.title == f"One-Year Action Plan for Partnerships: {plan.school}, {plan.school_year}"
    assert props.author == props.last_modified_by == f"{plan.school}, {plan.district}"
    assert "python-docx" not in (props.author + props.comments + props.last_modified_by)
    for when in (props.created, props.modified):
        assert before <= when <= datetime.now(timezone.utc) + timedelta(seconds=2)
    assert plan.school_year in props.subject and "partnerships" in props.subject
    assert plan.school in props.keywords and "family engagement" in props.keywords
    assert props.language == "en" and props.identifier == team_key(plan)
    assert props.comments == "This plan passes every rule."
    with zipfile.ZipFile(BytesIO(export(plan, "docx"))) as z:
        assert '<w:lang w:val="en"' in z.read("word/styles.xml").decode("utf-8")


def test_a_plan_with_many_problems_and_long_names_still_exports_every_format():
    """The file format holds 255 characters per property: a new plan's long list of problems, or
    a long school name, is cut to fit, never a failed download."""
    from shine.plan.model import Activity, Goal, new_plan
    from shine.plan.rules import check

    fresh = new_plan("Harbor Valley " * 8, "Riverside High School " * 8, "2026-2027", level="high")
    fresh.goals.append(Goal(id="g1", kind="academic", title="<b>strategies</b>",
                            activities=[Activity(id="a1", what="Family math night")]))
    report = check(fresh)
    assert len(" ".join(r.rule.name for r in report.results if not r.passed)) > 255
    for fmt in ("docx", "md", "html", "json"):
        assert export(fresh, fmt, report)
    props = Document(BytesIO(export(fresh, "docx", report))).core_properties
    assert len(props.comments) <= 255 and props.comments.endswith("…")
    assert len(props.author) <= 255 and props.author.startswith("Riverside High School")


# --- file names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("school, stem", [
    ("Riverside High School", "riverside-high-school"),
    ("École Élémentaire Ærø", "école-élémentaire-ærø"),
    ("E\u0301cole", "école"),  # decomposed accents are joined (NFC): one name whatever the keyboard
    ("St. Mary's", "st-marys"),
    ("مدرسة النور الثانوية", "مدرسة-النور-الثانوية"),
    ("北京市第一中学", "北京市第一中学"),
    ("विद्यालय", "विद्यालय"),  # the vowel signs stay with their letters
    ('a<b>c:d"e/f\\g|h?i*j', "a-b-c-d-e-f-g-h-i-j"),
    ("CON", "school-con"),
    ("???", "school"),
])
def test_file_names_keep_every_scripts_letters_and_nothing_a_disk_forbids(plan, school, stem):
    plan.school = school
    assert file_name(plan, "docx") == f"{stem}-2026-2027-plan.docx"


def test_a_slug_drops_control_characters_and_reserved_names():
    assert slug("a\x00b\x1fc\x7fd\u200be", fallback="x") == "a-b-c-d-e"
    assert slug("NUL", fallback="school") == "school-nul" and slug("", fallback="school") == "school"


def test_a_long_name_is_cut_between_letters_within_what_a_disk_takes(plan):
    plan.school = "北京市第一中学" * 20
    name = file_name(plan, "docx")
    assert name.startswith("北京市第一中学") and len(name.encode("utf-8")) < 200
    plan.school = " ".join(["मेरा विद्यालय"] * 10)
    whole = "-".join(["मेरा-विद्यालय"] * 10)
    stem = file_name(plan, "docx").removesuffix("-2026-2027-plan.docx")
    assert len(stem) <= 60 and not stem.endswith("-") and whole.startswith(stem)
    assert not unicodedata.category(whole[len(stem)]).startswith("M")  # no vowel sign cut off its letter
    assert slug("मेरा", fallback="x", max_chars=3) == "मे"  # "मेर" would leave the "ा" of "रा" behind


def test_schools_named_alike_never_share_a_file(plan, tmp_path):
    schools = ["St. Mary's", "St Marys", "مدرسة النور", "مدرسة الأمل", "北京市第一中学", "上海中学"]
    plans = []
    for school in schools:
        other = plan.model_copy(deep=True)
        other.school = school
        plans.append(other)
    assert file_name(plans[0], "docx") == file_name(plans[1], "docx")  # the names slug alike...
    for fmt in ("docx", "md", "html", "json"):
        written = []
        for other in plans:
            path = plan_path(other, fmt, tmp_path)
            path.write_bytes(export(other, fmt))
            written.append(path)
        assert len(set(written)) == len(plans), written  # ... and yet no file was overwritten
        assert written[1].name == f"st-marys-2026-2027-plan-2.{fmt}"
        assert {p.name.split("-")[0] for p in written[2:]} == {"مدرسة", "北京市第一中学", "上海中学"}
        assert not any(p.name.startswith("school-") for p in written)
        for other, path in zip(plans, written):  # every file still holds its own school
            assert plan_path(other, fmt, tmp_path) == path  # exporting again replaces the team's own file
        if fmt != "docx":
            for other, path in zip(plans, written):
                assert other.school in path.read_text(encoding="utf-8") or html.escape(other.school) in \
                    path.read_text(encoding="utf-8") or md_escape(other.school) in path.read_text(encoding="utf-8")
    assert Document(str(tmp_path / "st-marys-2026-2027-plan-2.docx")).core_properties.author.startswith("St Marys")
    # A file of that name that is not a plan at all is not overwritten either.
    (tmp_path / "other-2026-2027-plan.md").write_text("my notes", encoding="utf-8")
    plans[0].school = "Other"
    assert plan_path(plans[0], "md", tmp_path).name == "other-2026-2027-plan-2.md"


# --- Markdown and the web page -------------------------------------------------------------------------


def test_markdown_escapes_what_would_become_formatting():
    assert md_escape("**a** | <b> & [x](y)") == r"\*\*a\*\* \| \<b\> \& \[x\]\(y\)"
    assert md_escape("1. one\n- two\n# three") == "1\\. one\n\\- two\n\\# three"


def test_markdown_renders_user_text_as_text(nasty_plan):
    mistune = pytest.importorskip("mistune")
    text = to_markdown(nasty_plan)
    rendered = mistune.create_markdown(plugins=["table"])(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert 'href="http://evil.example"' not in rendered and "<strong>bold" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "Tom &amp;amp; Jerry" in rendered  # the typed "&amp;" stays as typed, not turned into "&"
    assert NASTY["emoji"] in rendered and NASTY["rtl"] in rendered
    # A pipe in a field does not break the activity table: every row has the six columns.
    tables = re.findall(r"<table>.*?</table>", rendered, re.S)
    assert len(tables) == 1 + len(nasty_plan.goals)
    for table in tables[1:]:
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
            assert len(re.findall(r"<t[dh][ >]", row)) == 6


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_the_printable_page_escapes_user_text(nasty_plan):
    page = to_html(nasty_plan)
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    text = "".join(parser.text)
    assert NASTY["html"] in text
    assert NASTY["entity"] in text
    assert NASTY["rtl"] in text
    assert "@page { size: letter landscape" in page  # prints like the form
    assert html.escape(nasty_plan.goals[3].title) in page


def test_export_to_every_format_and_back(plan):
    assert plan_from_json(export(plan, "json")) == plan
    for fmt in ("md", "html"):
        data = export(plan, fmt).decode("utf-8")
        for goal in plan.goals:
            assert md_escape(goal.title) in data or html.escape(goal.title) in data
    with pytest.raises(ValueError, match="not an export format"):
        export(plan, "pdf")


# --- the command line --------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SHINE_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_shine_plan_import_list_export_and_check(home, capsys, plan):
    assert main(["plan", "import", str(SAMPLE)]) == 0
    assert "as version 1" in capsys.readouterr().out
    assert main(["plan", "list", "--district", "harbor valley public schools", "--year", "2026-2027"]) == 0
    out = capsys.readouterr().out
    assert "Riverside High School" in out and "ready" in out and "types 6/6" in out

    assert main(["plan", "export", "--team", "Riverside High School", "--year", "2026-2027", "--format", "docx"]) == 0
    written = home / "riverside-high-school-2026-2027-plan.docx"
    assert written.read_bytes()[:2] == b"PK"
    assert main(["plan", "export", "--team", "1", "--year", "2026-2027", "--format", "md",
                 "--out", str(home / "plan.md")]) == 0
    assert (home / "plan.md").read_text(encoding="utf-8").startswith("# One-Year Action Plan")
    capsys.readouterr()

    assert main(["plan", "check", "--team", "Riverside High School", "--year", "2026-2027"]) == 0
    assert "ready to hand in" in capsys.readouterr().out


def test_shine_plan_export_never_overwrites_another_schools_file(home, capsys, plan):
    """Two schools whose names make the same file name, exported by the command line into one
    folder: two files; the first school exporting again replaces only its own."""
    import json

    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for school in ("St. Mary's School", "St Marys School"):
        data["school"] = school
        path = home / f"{school}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        assert main(["plan", "import", str(path)]) == 0
    out = home / "exports"
    out.mkdir()
    for school in ("St. Mary's School", "St Marys School", "St. Mary's School"):
        assert main(["plan", "export", "--team", school, "--year", "2026-2027", "--format", "md",
                     "--out", str(out)]) == 0
    capsys.readouterr()
    written = sorted(p.name for p in out.iterdir())
    assert written == ["st-marys-school-2026-2027-plan-2.md", "st-marys-school-2026-2027-plan.md"]
    assert "St. Mary's School" in (out / written[1]).read_text(encoding="utf-8")
    assert "St Marys School" in (out / written[0]).read_text(encoding="utf-8")


def test_shine_plan_check_explains_what_to_fix(home, capsys, plan):
    plan.goals[0].activities[0].lead = ""
    broken = home / "broken.json"
    broken.write_text(plan.to_json(), encoding="utf-8")
    assert main(["plan", "check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "1 thing(s) to fix" in out and 'still needs "Person in charge"' in out

    (home / "garbage.json").write_text("{not json", encoding="utf-8")
    assert main(["plan", "check", str(home / "garbage.json")]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["plan", "import", str(home / "garbage.json")]) == 1


def test_shine_plan_export_names_the_teams_when_it_cannot_find_one(home, capsys):
    assert main(["plan", "import", str(SAMPLE)]) == 0
    assert main(["plan", "export", "--team", "Nowhere High", "--format", "html"]) == 2
    err = capsys.readouterr().err
    assert "No team matches 'Nowhere High'" in err and "Riverside High School" in err
    assert main(["plan", "export", "--team", "Riverside High School", "--year", "2031-2032"]) == 1
    assert "has no plan for 2031-2032" in capsys.readouterr().err
    assert main(["plan", "check", "--team", "Riverside High School", "--year", "2031-2032"]) == 1
    assert "has no plan for 2031-2032" in capsys.readouterr().err


def test_shine_plan_is_listed_in_the_help():
    out = subprocess.run([sys.executable, "-m", "shine", "plan", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("export", "import", "check", "list"):
        assert command in out.stdout


# --- other languages -------------------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    doc = Document(BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return " ".join(" ".join(parts).split())


def interface_labels() -> list[str]:
    """The English of every interface message of two or more words whose Spanish differs."""
    from babel.messages.pofile import read_po

    from shine.i18n.catalogs import po_path

    labels = set()
    with po_path("es", "shine").open("rb") as fh:
        for m in read_po(fh):
            english = m.id if isinstance(m.id, str) else m.id[0]
            spanish = m.string if isinstance(m.string, str) else m.string[0]
            for part in re.split(r"\{[^}]*\}|[.:;!?()]", english):
                part = " ".join(part.split()).strip(" ,")
                if len(part.split()) >= 2 and part not in spanish:
                    labels.add(part)
    return sorted(labels)


def test_a_plan_exported_in_spanish_has_no_english_labels_and_keeps_the_teams_words(plan):
    spanish = docx_text(export(plan, "docx", lang="es"))
    english = docx_text(export(plan, "docx"))
    import json

    def strings(node):
        if isinstance(node, dict):
            return [t for v in node.values() for t in strings(v)]
        if isinstance(node, list):
            return [t for v in node for t in strings(v)]
        return [node] if isinstance(node, str) else []

    typed = " ".join(strings(json.loads(plan.to_json())))  # everything the team wrote
    left = [label for label in interface_labels() if label in spanish and label not in typed]
    assert not left, f"English labels in the Spanish plan: {left[:10]}"
    assert "Plan de Acción Anual" in spanish and "Página 1 de" in spanish
    for goal in plan.goals:
        assert goal.title in spanish and goal.title in english, "the team's own text stays as typed"
    assert "One-Year Action Plan" in english and "Plan de Acción Anual" not in english
    md = export(plan, "md", lang="es").decode("utf-8")
    assert "Plan de Acción Anual" in md


def test_shine_plan_export_lang_es(home, capsys, plan):
    assert main(["plan", "import", str(SAMPLE)]) == 0
    assert main(["plan", "export", "--team", "Riverside High School", "--year", "2026-2027", "--format", "md",
                 "--lang", "es", "--out", str(home / "plan-es.md")]) == 0
    assert "Plan de Acción Anual" in (home / "plan-es.md").read_text(encoding="utf-8")
    assert "Wrote" in capsys.readouterr().out, "the command's own messages stay in the session's language"
