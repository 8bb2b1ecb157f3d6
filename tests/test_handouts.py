"""Printable handouts: each module and guide as HTML and PDF, read back as a person would; the
glossary handout; and what a notebook says about its grey cells replaced by what to do on paper."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser

import ipywidgets as widgets
import pytest
from conftest import system_tool

from shine import content
from shine.cli import main
from shine.kit import handouts
from shine.kit.printing import static_html
from shine.web.paths import curriculum_root

MODULES = [m for m in sorted(content.items("module"), key=lambda m: m.number) if (curriculum_root() / m.notebook).exists()]


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    system_tool("chromium", "handouts are printed to PDF by Chromium")
    out = tmp_path_factory.mktemp("handouts")
    handouts.build(out, modules=[m.id for m in MODULES])
    return out


def pdf_text(pdf, *pages: str) -> str:
    pdftotext = system_tool("pdftotext", "reading the handout PDFs back")
    return subprocess.run([pdftotext, *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_each_module_prints_with_its_title_and_objectives(built, module, artifacts_dir):
    pdftotext = system_tool("pdftotext", "reading the handout PDFs back")
    pdftoppm = system_tool("pdftoppm", "a picture of each handout's first page")
    pdf = built / f"{module.id}.pdf"
    text = words(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert words(module.title) in text
    for objective in module.objectives:
        assert words(objective)[:60] in text, objective
    assert "from shine" not in text and "Traceback" not in text
    first_page = words(pdf_text(pdf, "-f", "1", "-l", "1"))
    assert "On paper: write your answers in the boxes" in first_page  # what to do with a pen...
    for screen_only in ("Shift + Enter", "grey cell", "JupyterLab", "page is ready as it is", ".ipynb"):
        assert screen_only not in text, screen_only  # ... not what to press on a keyboard
    assert "\u2612" not in text  # no choice is ticked for the reader
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(artifacts_dir / f"handout-{module.id}")], check=True)
    assert (artifacts_dir / f"handout-{module.id}.png").stat().st_size > 3000


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_each_guide_prints_for_the_trainer(built, module):
    pdftotext = system_tool("pdftotext", "reading the handout PDFs back")
    text = words(subprocess.run([pdftotext, str(built / f"{module.id}-guide.pdf"), "-"], capture_output=True,
                                text=True, check=True).stdout)
    assert words(module.title) in text and "Talking points" in text and "Common questions" in text


def test_widgets_print_as_lists_boxes_and_text():
    form = widgets.VBox([
        widgets.HTML("<p>Already escaped &lt;b&gt;</p>"),
        widgets.Dropdown(options=[("Choose...", None), ("Higher impact", "h"), ("<b>Lower</b>", "l")],
                         value="h", description="Where does it sit?"),
        widgets.Textarea(description="Your idea"),
        widgets.Button(description="Save"),
        widgets.Accordion(children=[widgets.Label("Inside <tab>")], titles=("Details",)),
    ])
    html = static_html(form)
    assert "Already escaped &lt;b&gt;" in html
    assert "&#9744; Higher impact" in html and "&#9744; &lt;b&gt;Lower&lt;/b&gt;" in html and "Choose..." not in html
    assert "Your idea" in html and "border:1px solid" in html
    assert "Save" not in html  # a button means nothing on paper
    assert "<h4>Details</h4>" in html and "Inside &lt;tab&gt;" in html


def test_without_chromium_the_trainer_is_told_what_to_do(monkeypatch):
    monkeypatch.setattr(handouts.shutil, "which", lambda _name: None)
    with pytest.raises(handouts.HandoutError, match="needs Chromium"):
        handouts.chromium()


def test_menus_and_checkboxes_print_with_every_box_empty():
    form = widgets.VBox([
        widgets.RadioButtons(options=["Often", "Sometimes", "Never"], description="How often?"),  # "Often" chosen
        widgets.Dropdown(options=["Type 1", "Type 2"], value="Type 2"),
        widgets.SelectMultiple(options=["a", "b", "c"], value=("a", "c")),
        widgets.ToggleButtons(options=["Yes", "No"]),
        widgets.Checkbox(value=True, description="We invited families"),
    ])
    html = static_html(form)
    assert "&#9746;" not in html and "\u2612" not in html
    assert html.count("&#9744;") == 3 + 2 + 3 + 2 + 1
    assert "&#9744; Often" in html and "&#9744; We invited families" in html


def first_markdown(module_id: str) -> str:
    path = curriculum_root() / content.get("module", module_id).notebook
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_page_one_tells_the_reader_what_to_do_on_paper(module):
    source = first_markdown(module.id)
    text, found = handouts.paper_markdown(source)
    assert found and "Shift + Enter" in source  # the notebook's own words ...
    assert "On paper:** write your answers in the boxes" in text  # ... become the paper's
    for screen_only in ("Shift + Enter", "grey cell", "JupyterLab", "kiosk", "page is ready as it is", ".ipynb"):
        assert screen_only not in text, screen_only
    assert text.splitlines()[0] == source.splitlines()[0]  # the title stays
    if "[glossary]" in source:
        assert "Open the glossary handout." in text


def test_paper_markdown_keeps_everything_else_and_says_it_once():
    source = ("# Title\n\nRead this first. In JupyterLab, run each grey cell with **Shift + Enter**. Then talk.\n\n"
              "| a | b |\n|---|---|\n\nSee the [full glossary](reference/glossary.ipynb) or [module 2](02-x.ipynb).")
    text, found = handouts.paper_markdown(source)
    assert found
    assert text.split("\n\n") == [
        "# Title", handouts.paper_instructions(), "Read this first. Then talk.", "| a | b |\n|---|---|",
        "See the full glossary handout or module 2."]
    again, found_again = handouts.paper_markdown("Run the grey cells in JupyterLab.", instructions=False)
    assert found_again and again == ""  # the instructions are given once, on page one
    assert handouts.paper_markdown("Nothing to change here.") == ("Nothing to change here.", False)


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[list[str]] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.cells.append([])
        self._in = tag in ("td", "th")
        if self._in:
            self.cells[-1].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1][-1] += data


def test_the_glossary_handout_lists_every_term_in_alphabetical_order():
    page = handouts.glossary_html()
    parser = _Rows()
    parser.feed(page)
    header, *rows = parser.cells
    assert header == ["Term", "What it means", "In your language"]
    terms = content.items("term")
    assert [r[0] for r in rows] == sorted((t.term for t in terms), key=fold)
    assert len(rows) == len(terms) >= 10
    meanings = {t.term: t.meaning for t in terms}
    for term, meaning, blank in rows:
        assert meaning.startswith(meanings[term]) and blank == ""  # room for the interpreter
    assert content.load().glossary.intro.text.split(".")[0] in page


def test_shine_handouts_glossary_writes_the_glossary_alone(tmp_path, capsys):
    out = tmp_path / "paper"
    assert main(["handouts", "glossary", "--out", str(out), "--no-pdf"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["glossary.html"]
    assert "Wrote 1 files" in capsys.readouterr().out
    assert "In your language" in (out / "glossary.html").read_text(encoding="utf-8")
    help_text = subprocess.run([sys.executable, "-m", "shine", "handouts", "--help"], capture_output=True,
                               text=True, check=True).stdout
    assert "glossary" in help_text


@pytest.mark.slow
def test_the_glossary_prints_for_interpreters(built):
    text = words(pdf_text(built / "glossary.pdf"))
    terms = sorted((t.term for t in content.items("term")), key=fold)
    at = text.index("What it means")
    for term in terms:  # each term after the one before it: alphabetical on paper too (by its first word:
        at = text.index(re.split(r"[\s-]", term)[0], at)  # a narrow column wraps the rest between lines)
    first_page = words(pdf_text(built / "glossary.pdf", "-f", "1", "-l", "1"))
    assert words(terms[0]) in first_page and words(terms[2]) in first_page  # the table starts on page one
