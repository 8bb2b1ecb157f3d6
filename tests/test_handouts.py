"""Printable handouts: each module and guide as HTML and PDF, read back as a person would."""

from __future__ import annotations

import re
import subprocess

import ipywidgets as widgets
import pytest
from conftest import system_tool

from shine import content
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
    assert "&#9746; Higher impact" in html and "&#9744; &lt;b&gt;Lower&lt;/b&gt;" in html and "Choose..." not in html
    assert "Your idea" in html and "border:1px solid" in html
    assert "Save" not in html  # a button means nothing on paper
    assert "<h4>Details</h4>" in html and "Inside &lt;tab&gt;" in html


def test_without_chromium_the_trainer_is_told_what_to_do(monkeypatch):
    monkeypatch.setattr(handouts.shutil, "which", lambda _name: None)
    with pytest.raises(handouts.HandoutError, match="needs Chromium"):
        handouts.chromium()
