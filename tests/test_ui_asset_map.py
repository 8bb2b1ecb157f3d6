"""Module 5's community asset map: partners by sector, gaps across the seed's sectors."""

from __future__ import annotations

import html
import re

from conftest import text_of

from shine import content
from shine.lessons.plays.asset_map import MAX_NAME_CHARS, AssetMap
from shine.web import charts


def add(m: AssetMap, name: str, sector: str) -> bool:
    m.name.value = name
    m.sector.value = sector
    return m.add_partner()


def test_partners_appear_by_sector_and_the_gaps_are_named():
    m = AssetMap()
    sectors = content.load().plays.community_sectors
    assert [v for _l, v in m.sector.options] == [s.id for s in sectors]
    assert add(m, "Windsor Public Library", "libraries")
    add(m, "Hartford HealthCare", "anchor-institutions")
    text = text_of(m.map)
    assert "Libraries Windsor Public Library" in re.sub(r"\s+", " ", text)
    assert f"{len(sectors) - 2} sectors with no partner yet" in text
    assert "Pediatricians" in text.split("no partner yet")[1]
    assert m.name.value == "", "the box is ready for the next partner"
    fig_alt = re.search(r'alt="([^"]+)"', m.chart.value).group(1)
    assert "2 of 14 have at least one" in html.unescape(fig_alt)


def test_every_sector_filled_is_celebrated():
    m = AssetMap()
    for s in content.load().plays.community_sectors:
        add(m, f"Partner for {s.name}", s.id)
    assert "Every sector has at least one partner" in text_of(m.map)


def test_bad_names_are_refused_kindly_and_nothing_is_lost():
    m = AssetMap()
    add(m, "Faith Church", "faith-based")
    for name, message in (("   ", "Type the partner's name first"), ("x" * 10_000, f"under {MAX_NAME_CHARS}"),
                          ("faith church", "already on the map")):
        assert not add(m, name, "faith-based")
        assert message in text_of(m.message)
    assert [p.name for p in m.partners] == ["Faith Church"]
    assert add(m, "<script>alert(1)</script> שלום 🙂", "housing")
    assert "<script>" not in m.map.value and "<bdi>" in m.map.value
    m.undo.click()
    m.undo.click()
    assert m.partners == [] and m.undo.disabled and m.chart.value == ""


def test_gaps_are_hatched_and_labelled_in_the_chart():
    from shine.lessons.plays.asset_map import Partner, sectors_chart

    fig = sectors_chart([Partner("Library", "libraries")])
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() == "Number of partners" and ax.get_ylabel() == "Sector"
    assert sum(t.get_text() == "gap" for t in ax.texts) == 13
    assert {p.get_hatch() for p in ax.patches} == {None, "xx"}
    assert "gaps:" in charts.alt_text(fig)
