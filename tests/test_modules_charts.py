"""shine.web.charts: every chart has a title, labelled axes, alt text, and survives greyscale."""

from __future__ import annotations

import io

import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from shine.web import charts


def grey(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


EXAMPLES = {
    "radar": lambda: charts.radar(["A", "B", "C", "D"], [("Staff", [1, 2, 3, 4]), ("Families", [4, 3, None, 1])],
                                  maximum=4, title="Four Cs", value_label="Average"),
    "scores": lambda: charts.scores(["One", "Two", "Three"], [4.5, 2.0, None], threshold=4, maximum=5, title="Types",
                                    xlabel="Average", ylabel="Type", strong_label="strength", grow_label="needs work"),
    "team_spread": lambda: charts.team_spread(["One", "Two"], [("You", [1, 5]), ("Member 1", [5, None])], threshold=4,
                                              maximum=5, title="Team", xlabel="Average", ylabel="Type",
                                              mean_label="team average"),
    "coverage": lambda: charts.coverage(7.5, 10, title="Coverage", xlabel="Percent", ylabel="School",
                                        bar_label="Ours", threshold_label="10% level"),
    "counts": lambda: charts.counts(["Libraries", "Housing"], [2, 0], title="Partners", xlabel="Number",
                                    ylabel="Sector", gap_label="gap"),
    "phases": lambda: charts.phases(["Pilot", "Next"], [("Districts", [3, 8]), ("Schools", [24, 200])],
                                    [False, True], title="Growth", xlabel="Phase", planned_label="planned",
                                    approximate=[[False, False], [False, True]]),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_chart_is_titled_labelled_and_described(name):
    fig = EXAMPLES[name]()
    assert fig.get_label() == charts.alt_text(fig) and len(charts.alt_text(fig)) > 40
    titles = [ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text() if fig._suptitle else ""]
    assert any(titles)
    for ax in fig.axes:
        if ax.name == "polar":
            assert ax.get_ylabel() and all(t.get_text() for t in ax.get_xticklabels())
        else:
            assert ax.get_xlabel() and ax.get_ylabel(), name
    png = charts.to_png(fig)
    image = Image.open(io.BytesIO(png))
    assert image.size[0] > 300 and image.size[1] > 150


def test_alt_text_carries_the_numbers_and_missing_values():
    alt = charts.alt_text(EXAMPLES["radar"]())
    assert "Staff: A 1, B 2, C 3, D 4." in alt and "C not rated" in alt
    assert "about 200 (planned)" in charts.alt_text(EXAMPLES["phases"]())
    assert "gaps: Housing" in charts.alt_text(EXAMPLES["counts"]())


def test_series_differ_by_more_than_colour():
    radar = EXAMPLES["radar"]().axes[0]
    lines = [ln for ln in radar.get_lines() if ln.get_label() in ("Staff", "Families")]
    assert len({ln.get_marker() for ln in lines}) == 2 and len({ln.get_linestyle() for ln in lines}) == 2
    spread = EXAMPLES["team_spread"]().axes[0]
    markers = {c.get_label(): c.get_paths()[0].vertices.tobytes() for c in spread.collections}
    assert len(set(markers.values())) == 2, "each member has a marker shape of their own"
    colours = [s[0] for s in charts.SERIES[:4]]
    levels = sorted(grey(c) for c in colours)
    assert all(b - a > 0.02 for a, b in zip(levels, levels[1:])), "series stay apart in grey"


def test_the_html_keeps_the_alt_text_as_text():
    fig = charts.counts(['<img src=x onerror="alert(1)">'], [1], title="T", xlabel="x", ylabel="y", gap_label="gap")
    out = charts.to_html(fig)
    assert out.startswith('<figure class="shine-chart"') and "data:image/png;base64," in out
    assert '<img src=x' not in out.split('alt="', 1)[1]
