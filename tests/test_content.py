"""The curriculum content: it loads, it says what the seeds say, and every kind of mistake in it
is reported by name (so a district editing its own copy finds its typo)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import edit_yaml

from shine import content
from shine.cli import main as shine_main

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def cur():
    return content.load()


def test_the_shipped_content_passes_every_check():
    curriculum, index, problems = content.check_dir(content.CONTENT_DIR)
    assert problems == [], "\n".join(map(str, problems))
    assert curriculum is not None


def test_shine_content_check_passes_on_the_shipped_content(capsys):
    assert shine_main(["content", "check"]) == 0
    assert "is valid" in capsys.readouterr().out


# --- what the content holds -----------------------------------------------------------------


def test_definition_and_seven_principles(cur):
    assert "full, equal, and equitable partnership" in cur.definition.definition.text
    assert [d.id for d in cur.definition.definition.dimensions] == ["full", "equal", "equitable"]
    names = [p.name for p in sorted(cur.definition.principles, key=lambda p: p.number)]
    assert len(names) == 7
    assert names[0].startswith("Build collaborative, trusting relationships")
    assert names[6].startswith("Support parents to become")


def test_every_play_of_the_seed_is_there(cur):
    assets = " | ".join(a for play in cur.plays.plays for a in play.assets).lower()
    for asset in ["Family Academy", "Start of School Welcome Tours", "Welcoming School Environment",
                  "Parent Teacher Home Visits", "Parent-Teacher Conversations About Learning",
                  "Interactive Homework", "Community Partnerships For Integrated Student Support",
                  "Students with Disabilities in Summer", "Co-Create Solutions", "Families Supporting Families",
                  "Parent Leadership Training", "ESSA", "Dual Capacity-Building Framework", "School Governance"]:
        assert asset.lower() in assets, f"no play for {asset!r}"
    assert {p.area for p in cur.plays.plays} == {"organizing", "school-community", "school-family"}
    assert {p.role for p in cur.plays.plays} == {"district-leader", "building-principal", "teacher"}


def test_home_visit_figures_carry_their_own_study(cur):
    """The seed merges two studies; each figure must be cited to the one it comes from."""
    studies = {s.id: s for s in cur.studies.studies}
    evidence = [e for play in cur.plays.plays for e in play.evidence]
    by_figure = {}
    for e in evidence:
        for fig in ("24%", "35%", "21%", "10%"):
            if fig in e.claim or fig.replace("%", " percent") in e.claim:
                by_figure.setdefault(fig, set()).add(e.study)
    assert "24%" in by_figure and "35%" in by_figure
    for fig, expected_year in (("24%", 2015), ("35%", 2018), ("21%", 2018)):
        for study_id in by_figure.get(fig, ()):
            assert study_id is not None, f"{fig} has no study"
            assert studies[study_id].year == expected_year, f"{fig} cited to {study_id}"


def test_dual_capacity_family_roles_differ_by_version(cur):
    versions = {v.id: v for v in cur.dual_capacity.versions}
    roles = {v.year: set(v.family_roles) for v in versions.values()}
    assert roles[2013] != roles[2019]
    assert any("decision" in r for r in roles[2013]) and any("co-creator" in r for r in roles[2019])
    assert {c.id for c in cur.dual_capacity.capacities} == {"capabilities", "connections", "cognition", "confidence"}


def test_six_types_and_standards_and_the_2009_map(cur):
    assert [t.number for t in cur.six_types.types] == [1, 2, 3, 4, 5, 6]
    assert len(cur.standards.standards) == 6
    school_duties = [r for r in cur.responsibilities.responsibilities if r.party == "school"]
    mapped = {m.responsibility for m in cur.standards.school_responsibility_map}
    assert {r.id for r in school_duties} <= mapped


def test_responsibilities_of_every_party_in_the_2009_guidance(cur):
    parties = {r.party for r in cur.responsibilities.responsibilities}
    assert len(parties) == 6


def test_impact_examples_have_all_three_levels(cur):
    levels = {e.impact for e in cur.impact.examples}
    assert levels == {"higher", "moderate", "lower"}
    themes = {}
    for e in cur.impact.examples:
        themes.setdefault((e.chart, e.theme), set()).add(e.impact)
    assert all(v == {"higher", "moderate", "lower"} for v in themes.values())


def test_cases_carry_the_seed_figures(cur):
    figures = {f.label.lower(): f.value for f in cur.cases.pilot.figures}
    assert any(v == 24 for v in figures.values()) and any(v == 11000 for v in figures.values())
    assert {d.name for d in cur.cases.pilot.districts} == {"Groton", "Middletown", "Windsor"}
    assert any(f.value == 17 for f in cur.cases.cthss.figures)
    assert {p.id for p in cur.cases.cthss.practices} >= {"mini-visits", "our-time-to-shine"}
    assert len(cur.cases.cfsp.partners) == 5


def test_scales_and_agendas(cur):
    scales = {s.id: s for s in cur.scales.scales}
    assert [p.value for p in scales["nnps-frequency"].points] == [1, 2, 3, 4, 5]
    assert [p.label for p in scales["pta-levels"].points] == ["Emerging", "Progressing", "Excelling"]
    assert {t.id for t in cur.agendas.templates} >= {"regional-meeting", "mini-visit"}


def test_every_source_key_is_a_real_seed_or_fact_key(cur):
    facts = (SEEDS.parent / "curriculum-facts.md")
    if not facts.exists():
        pytest.skip("../shared is not beside the checkout")
    keys = set(re.findall(r"\bS\d+\b", facts.read_text()))
    for source in cur.sources.sources:
        if source.kind == "seed":
            assert (SEEDS / source.id).exists(), source.id
        elif re.fullmatch(r"S\d+", source.id):
            assert source.id in keys, source.id


def test_lookups(cur):
    play = cur.plays.plays[0]
    assert content.get("play", play.id) is play
    assert len(content.items("principle")) == 7
    with pytest.raises(KeyError, match="no play with the id"):
        content.get("play", "no-such-play")


# --- corruption: each mistake is reported by name ------------------------------------------------


def problems(folder: Path) -> list[content.Problem]:
    return content.check_dir(folder)[2]


def test_a_play_naming_an_unknown_role(content_copy):
    edit_yaml(content_copy, "plays.yaml", lambda d: d["plays"][0].update(role="superintendent-in-chief"))
    found = problems(content_copy)
    assert [(p.file, p.code) for p in found] == [("plays.yaml", "unknown-role")]
    assert "'superintendent-in-chief' is not a known role" in found[0].message
    assert found[0].where.startswith("plays[0] (id ")


def test_a_mapping_naming_an_unknown_standard(content_copy):
    edit_yaml(content_copy, "standards.yaml", lambda d: d["school_responsibility_map"][0]["standards"].append("standard-99"))
    found = problems(content_copy)
    assert [(p.file, p.code) for p in found] == [("standards.yaml", "unknown-standard")]
    assert "standard-99" in found[0].message


def test_a_missing_source(content_copy):
    edit_yaml(content_copy, "six_types.yaml", lambda d: d["types"][2].pop("source"))
    found = problems(content_copy)
    assert [(p.file, p.code) for p in found] == [("six_types.yaml", "missing-source")]
    assert found[0].where.startswith("types[2]")


def test_a_source_that_is_not_registered(content_copy):
    edit_yaml(content_copy, "definition.yaml", lambda d: d["principles"][0].update(source=["S999"]))
    assert [(p.file, p.code) for p in problems(content_copy)] == [("definition.yaml", "unknown-source")]


def test_a_duplicate_id(content_copy):
    def dup(d):
        d["plays"].append(dict(d["plays"][0]))
    edit_yaml(content_copy, "plays.yaml", dup)
    found = problems(content_copy)
    assert [(p.file, p.code) for p in found] == [("plays.yaml", "duplicate-id")]
    assert "already used by another play" in found[0].message


def test_a_misspelt_field_a_syntax_error_and_a_missing_file(content_copy):
    edit_yaml(content_copy, "roles.yaml", lambda d: d["roles"][0].update(nmae="typo"))
    (content_copy / "scales.yaml").write_text("scales:\n  - id: broken\n    points: [1, 2\n")
    (content_copy / "agendas.yaml").unlink()
    codes = {(p.file, p.code) for p in problems(content_copy)}
    assert ("roles.yaml", "schema") in codes
    assert ("scales.yaml", "yaml-syntax") in codes
    assert ("agendas.yaml", "missing-file") in codes


def test_an_agenda_that_does_not_add_up(content_copy):
    edit_yaml(content_copy, "agendas.yaml", lambda d: d["templates"][0]["segments"][0].update(minutes=d["templates"][0]["segments"][0]["minutes"] + 7))
    assert [(p.file, p.code) for p in problems(content_copy)] == [("agendas.yaml", "agenda-time")]


def test_several_mistakes_are_all_reported_and_the_cli_exits_non_zero(content_copy, capsys):
    edit_yaml(content_copy, "plays.yaml", lambda d: d["plays"][1].update(role="mayor"))
    edit_yaml(content_copy, "standards.yaml", lambda d: d["school_responsibility_map"][1]["standards"].append("std-x"))
    edit_yaml(content_copy, "six_types.yaml", lambda d: d["types"][0].pop("source"))
    assert shine_main(["content", "check", "--dir", str(content_copy)]) == 1
    out = capsys.readouterr().out
    for code in ("unknown-role", "unknown-standard", "missing-source"):
        assert f"[{code}]" in out
    assert "3 problem(s)" in out


def test_the_loader_refuses_bad_content_with_every_problem_listed(content_copy):
    edit_yaml(content_copy, "plays.yaml", lambda d: d["plays"][0].update(role="mayor"))
    with pytest.raises(content.ContentError, match="unknown-role"):
        content.load()


def test_shine_command_is_installed():
    out = subprocess.run([str(Path(sys.executable).with_name("shine")), "content", "check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


# --- paraphrase, don't copy --------------------------------------------------------------------

RUN_LIMIT = 14  # words in a row shared with a source document
# Quoted on purpose (with attribution), or names of things: resource titles, source records.
VERBATIM_ALLOWED = (".definition.text", ".principles[", ".assets[", ".sources[", ".organizations[")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _strings(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def test_content_paraphrases_its_sources():
    documents = list(SEEDS.glob("*.txt")) + [SEEDS.parent / "curriculum-facts.md"]
    if not SEEDS.is_dir():
        pytest.skip("../shared is not beside the checkout")
    grams = set()
    for doc in documents:
        w = _words(doc.read_text(encoding="utf-8"))
        grams.update(tuple(w[i:i + RUN_LIMIT]) for i in range(len(w) - RUN_LIMIT + 1))
    copied = []
    for path in sorted(content.CONTENT_DIR.glob("*.yaml")):
        for where, text in _strings(yaml.safe_load(path.read_text())):
            if any(allowed in where for allowed in VERBATIM_ALLOWED):
                continue
            w = _words(text)
            if any(tuple(w[i:i + RUN_LIMIT]) in grams for i in range(len(w) - RUN_LIMIT + 1)):
                copied.append(f"{path.name}{where}: {text[:80]}...")
    assert not copied, "Paraphrase these; they copy a source word for word:\n" + "\n".join(copied)
