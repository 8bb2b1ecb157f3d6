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


# --- shine.web.chart_cache: a chart drawn once per language, content and inputs ------------------


@pytest.fixture
def cache():
    from shine.web import chart_cache

    chart_cache.clear()
    yield chart_cache
    chart_cache.clear()


def _bars(values, title="Partners"):
    return charts.counts(["Libraries", "Housing"], list(values), title=title, xlabel="Number", ylabel="Sector",
                         gap_label="gap")


def test_a_chart_is_drawn_once_for_the_same_inputs_language_and_content(cache):
    from shine.i18n import language

    source = object()  # stands for the loaded curriculum
    first = cache.html(_bars, [2, 0], source=source)
    assert cache.html(_bars, [2, 0], source=source) == first
    assert cache.stats == {"hits": 1, "draws": 1}
    assert "<img" in first and 'alt="' in first
    cache.html(_bars, [3, 0], source=source)  # other numbers
    cache.html(_bars, [2, 0], title="Socios", source=source)  # other labels
    with language("es"):
        cache.html(_bars, [2, 0], source=source)  # the same inputs in another language
    cache.html(_bars, [2, 0], source=object())  # content loaded again
    assert cache.stats == {"hits": 1, "draws": 5}


def test_a_chart_of_something_that_can_change_unseen_is_drawn_every_time(cache):
    class Tally:  # no value-based key: it could change while its key stayed the same
        def __init__(self):
            self.values = [1, 1]

    tally = Tally()
    cache.html(lambda t: _bars(t.values), tally)
    tally.values = [5, 0]
    again = cache.html(lambda t: _bars(t.values), tally)
    assert cache.stats == {"hits": 0, "draws": 2}
    assert again == charts.to_html(_bars([5, 0]))


def test_the_cache_keeps_a_bounded_number_of_charts(cache, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for n in range(5):
        cache.html(_bars, [n, 0])
    assert len(cache._entries) == 3
    cache.html(_bars, [4, 0])  # the newest is kept...
    cache.html(_bars, [0, 0])  # ...the oldest went
    assert cache.stats == {"hits": 1, "draws": 6}


def test_module_2_draws_its_pilot_timeline_once_and_module_5_each_new_pair_of_numbers_once(cache):
    from shine.lessons.district.pilot_timeline import PilotTimeline
    from shine.lessons.plays.home_visit_calculator import HomeVisitCalculator

    first, second = PilotTimeline(), PilotTimeline()
    assert first.chart.value == second.chart.value and "<img" in first.chart.value
    calc = HomeVisitCalculator()
    calc.enrolled.value, calc.visited.value = 200, 10
    shown = calc.chart.value
    calc.visited.value = 30
    calc.visited.value = 10  # back to the first numbers: the same chart, not drawn again
    assert calc.chart.value == shown
    assert cache.stats["draws"] == 4  # the timeline, 200/0 (typing the first number), 200/10, 200/30


# --- a data table for every chart, and text a phone can read ------------------------------------------


def cells(html_text: str) -> list[list[str]]:
    """The table's rows as a screen reader reads them: header cells and data cells, unescaped."""
    import html
    import re

    return [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", html_text)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_chart_comes_with_a_data_table_of_what_it_draws(name):
    fig = EXAMPLES[name]()
    out = charts.to_html(fig)
    details = out.split('<details class="shine-chart-data">', 1)[1]
    assert details.startswith("<summary>Data table</summary><table") and "<caption>" in details
    headers, rows = charts.table(fig)
    assert cells(details) == [headers, *rows] and len(rows) >= 1
    assert details.count('<th scope="col">') == len(headers) and details.count('<th scope="row">') == len(rows)


def test_the_data_tables_hold_the_numbers_drawn():
    assert charts.table(EXAMPLES["radar"]()) == (["Category", "Staff", "Families"],
                                                 [["A", "1", "4"], ["B", "2", "3"], ["C", "3", "not rated"],
                                                  ["D", "4", "1"]])
    assert charts.table(EXAMPLES["scores"]())[1] == [["One", "4.5", "strength"], ["Two", "2", "needs work"],
                                                     ["Three", "not rated", ""]]
    assert charts.table(EXAMPLES["team_spread"]())[1][1] == ["Two", "5", "5", "not rated"]
    assert charts.table(EXAMPLES["coverage"]())[1] == [["Ours", "7.5%", "10%"]]
    assert charts.table(EXAMPLES["counts"]())[1] == [["Libraries", "2"], ["Housing", "0 (gap)"]]
    assert charts.table(EXAMPLES["phases"]()) == (["Phase", "Districts", "Schools"],
                                                  [["Pilot", "3", "24"], ["Next (planned)", "8", "about 200"]])


def test_a_data_table_keeps_typed_text_as_text():
    fig = charts.counts(['<b onmouseover="x()">Bold</b> & co'], [1], title="T", xlabel="x", ylabel="y",
                        gap_label="gap")
    out = charts.to_html(fig)
    assert "<b onmouseover" not in out and "&lt;b onmouseover=&quot;x()&quot;&gt;Bold&lt;/b&gt; &amp; co" in out


def smallest_text_px(figure, png: bytes, dpi: int, shown_px: int = 360) -> float:
    """The smallest text of ``figure`` in CSS px when its picture is shown ``shown_px`` wide (or
    at its own size, when that is smaller)."""
    from matplotlib.text import Text

    width = Image.open(io.BytesIO(png)).size[0]
    sizes = [t.get_fontsize() for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) * dpi / 72 * min(1.0, shown_px / width)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_module_6_types_chart_is_legible_on_a_phone_and_has_its_table(lang):
    from pathlib import Path

    from shine.i18n import get_language, set_language
    from shine.plan.charts import types_covered_chart
    from shine.plan.model import load_plan_file

    before = get_language()
    set_language(lang)
    try:
        plan = load_plan_file(Path(charts.__file__).parents[1] / "data" / "sample_plan_high_school.json")
        plan.goals[3].activities[0].type = "communicating"
        chart = types_covered_chart(plan)
        assert smallest_text_px(chart.figure, chart.png(), 110) >= 11
        headers, rows = charts.table(chart.figure)
        assert len(rows) == 6 and len(headers) == 2
        out = chart.html()
        assert charts.alt_text(chart.figure) == chart.alt and out.count('alt="') == 1
        assert cells(out.split("<details", 1)[1])[1:] == rows
    finally:
        set_language(before)
