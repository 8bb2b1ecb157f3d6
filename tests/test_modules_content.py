"""The learner modules' content and notebooks: the new YAML files say what the modules need, and
the notebooks take every framework name from the library instead of typing it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from shine import content

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["01-definition", "02-district-systems", "03-dual-capacity", "04-types-standards-impact", "05-plays",
           "07-evaluate-celebrate"]
GLOSSARY_NOTEBOOK = ROOT / "modules" / "reference" / "glossary.ipynb"


@pytest.fixture(scope="module")
def cur():
    return content.load()


def notebook(module_id: str):
    return nbformat.read(ROOT / content.get("module", module_id).notebook, as_version=4)


# --- content ------------------------------------------------------------------------------------


def test_scenarios_cover_every_principle_both_ways(cur):
    principles = {p.id for p in cur.definition.principles}
    shows = {s.principle for s in cur.scenarios.scenarios if s.verdict == "shows"}
    breaks = {s.principle for s in cur.scenarios.scenarios if s.verdict == "breaks"}
    assert shows == principles and breaks == principles
    for s in cur.scenarios.scenarios:
        assert s.principle not in s.also_relates, s.id
        if s.verdict == "breaks":
            assert s.better, f"{s.id}: a situation that breaks a principle says how to turn it around"


def test_the_scenarios_include_the_situations_the_issue_names(cur):
    text = " ".join(s.situation.lower() for s in cur.scenarios.scenarios)
    for words in ("text", "language", "automated phone call", "leads the meeting"):
        assert words in text, words


def test_capacity_check_has_items_for_every_c_on_both_sides(cur):
    for c in cur.dual_capacity.capacities:
        for side in ("staff", "families"):
            assert any(i.capacity == c.id and i.side == side for i in cur.capacity_check.items), (c.id, side)


def test_self_assessment_items_cover_the_six_types_on_the_nnps_scale(cur):
    assert {i.type for i in cur.self_assessment.items} == {t.id for t in cur.six_types.types}
    scale = content.get("scale", cur.self_assessment.scale)
    assert [p.value for p in scale.points] == [1, 2, 3, 4, 5]


def test_the_home_visit_threshold_belongs_to_its_own_study(cur):
    threshold = cur.home_visits.threshold
    study = content.get("study", threshold.study)
    assert threshold.finding in {f.id for f in study.findings}
    assert study.year == 2018 and threshold.value == 10
    shown = [content.get("study", s) for s in cur.home_visits.studies]
    assert len({s.id for s in shown}) == len(shown) == 2
    assert {s.year for s in shown} == {2015, 2018}


def test_every_module_has_glossary_words_and_every_acronym_in_module_text_is_glossed(cur):
    for mid in MODULES:
        assert any(mid in t.modules for t in cur.glossary.terms), mid
    names = " ".join([t.term for t in cur.glossary.terms] + [a for t in cur.glossary.terms for a in t.also])
    for acronym in ("ATP", "CSDE", "SERC", "CREC", "DCBF", "NNPS", "PTHV", "APTT", "TIPS", "PLTI", "CTHSS", "CFSP"):
        assert acronym in names, acronym


def test_module_headers_point_at_notebooks_that_exist(cur):
    for mid in MODULES:
        assert (ROOT / content.get("module", mid).notebook).exists(), mid


# --- notebooks ----------------------------------------------------------------------------------


def framework_names(cur) -> list[str]:
    names = [p.name for p in cur.definition.principles]
    names += [t.name for t in cur.six_types.types]
    names += [s.name_2008 for s in cur.standards.standards] + [s.name_2022 for s in cur.standards.standards]
    return names


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


def test_notebooks_take_principle_type_and_standard_names_from_the_library(cur):
    """Typed into a notebook, a name drifts from the content; shown by a component, it cannot."""
    names = [_normal(n) for n in framework_names(cur)]
    assert len(names) == 7 + 6 + 12
    typed = []
    for path in sorted((ROOT / "modules").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            source = _normal(cell.source)
            typed += [f"{path.name} cell {i}: {n!r}" for n in names if n in source]
    assert not typed, "Show these through a shine component instead:\n" + "\n".join(typed)


def test_the_names_reach_the_page_through_components(cur):
    import html

    from shine.lessons.impact.types_standards import TypesAndStandards, standards_html
    from shine.lessons.principles.principle_cards import PrincipleCards

    cards = PrincipleCards().cards.value
    for p in cur.definition.principles:
        assert html.escape(p.name) in cards
    explorer = TypesAndStandards()
    assert [label for label, _id in explorer.choice.options] == [f"{t.number}. {t.name}" for t in cur.six_types.types]
    table = standards_html()
    for s in cur.standards.standards:
        assert html.escape(s.name_2022) in table and html.escape(s.name_2008) in table


@pytest.mark.parametrize("module_id", MODULES)
def test_module_notebook_follows_the_template(module_id):
    nb = notebook(module_id)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings[0] == "Overview" and headings[-2:] == ["Summary", "What's next?"], headings
    assert "reference/glossary.ipynb" in markdown, "every module links to the glossary"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any(f'Glossary("{module_id}")' in c for c in code)
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert nb.metadata.kernelspec.name == "python3"
    assert all(c.get("id") for c in nb.cells)


def test_the_glossary_link_leads_to_a_page_with_the_glossary():
    assert GLOSSARY_NOTEBOOK.exists()
    for mid in MODULES:
        path = ROOT / content.get("module", mid).notebook
        for link in re.findall(r"\]\(([^)]+glossary\.ipynb)\)", path.read_text(encoding="utf-8")):
            assert (path.parent / link).resolve() == GLOSSARY_NOTEBOOK.resolve()
    code = [c.source for c in nbformat.read(GLOSSARY_NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    assert any("Glossary()" in c for c in code)


def test_module_six_is_left_to_its_own_notebook():
    """Module 6 has a header here, and its notebook belongs to the action plan work."""
    assert content.get("module", "06-plays-to-plan").notebook == "modules/06-plays-to-plan.ipynb"
