"""The trainer's report after grading: a CSV of every participant, and a chart of how the room did
on each item, so the trainer sees which ideas to revisit."""

from __future__ import annotations

import textwrap
from pathlib import Path

from shine.i18n import _
from shine.web.sheets import write_csv

from . import exercises as ex


def item_labels(assignment) -> list[tuple[str, str]]:
    items = [(item.id, f"{n}. " + textwrap.shorten(ex.prompt(item), 36, placeholder="…"))
             for n, item in enumerate(assignment.items, start=1)]
    return items + [(r.id, _("Reflection")) for r in assignment.reflections]


def room_scores(data: dict, assignment) -> list[tuple[str, float | None]]:
    """Share of the available points the room earned on each item (None: nobody graded yet)."""
    out = []
    for item_id, label in item_labels(assignment):
        earned = possible = 0.0
        for p in data["participants"]:
            score, maximum = p["items"].get(item_id, (None, 0))
            if score is not None and maximum:
                earned, possible = earned + score, possible + maximum
        out.append((label, earned / possible if possible else None))
    return out


def chart(data: dict, assignment):
    """Horizontal bars, one per item; weak items hatched and labelled, so colour is never the only signal."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = room_scores(data, assignment)
    labels = [label for label, _s in scores]
    values = [0 if s is None else s * 100 for _l, s in scores]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(scores) + 1.6))
    bars = ax.barh(labels, values, color="#4a90c2", edgecolor="black")
    for bar, (_label, share) in zip(bars, scores):
        if share is not None and share < 0.6:
            bar.set_facecolor("#e8a33d")
            bar.set_hatch("//")
        text = _("not graded") if share is None else f"{share * 100:.0f}%"
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text, va="center")
    ax.set_xlim(0, 110)
    ax.invert_yaxis()
    ax.set_xlabel(_("Share of points earned by the room (%)"))
    ax.set_ylabel(_("Item"))
    ax.set_title(_("{title}: how the room did on each item").format(title=assignment.title))
    fig.tight_layout()
    weak = [label for label, s in scores if s is not None and s < 0.6]
    alt = _("Bar chart of the share of points the room earned on each of {n} items of {title}.").format(
        n=len(scores), title=assignment.title)
    alt += " " + (_("Items below 60%, hatched: {items}.").format(items="; ".join(weak)) if weak
                  else _("Every item is at 60% or above."))
    return fig, alt


def write(data: dict, assignment, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{assignment.id}-scores.csv"
    items = item_labels(assignment)
    status = {"no submission": _("no submission"), "not graded yet": _("not graded yet"), "": ""}
    rows = []
    for p in sorted(data["participants"], key=lambda p: p["id"]):
        row = [p["id"], "" if p["score"] is None else p["score"], "" if p["max_score"] is None else p["max_score"],
               status.get(p.get("status", ""), p.get("status", "")),
               "yes" if p["needs_trainer"] or p["flags"] else "", " ".join(p.get("to_grade_by_hand", [])),
               " | ".join(f["message"] for f in p["flags"])]
        row += ["" if p["items"].get(i, (None,))[0] is None else p["items"][i][0] for i, _l in items]
        rows.append(row)
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        write_csv(fh, ["participant", "score", "max_score", "status", "needs_trainer", "to_grade_by_hand", "flags"]
                  + [i for i, _l in items], rows)
    fig, alt = chart(data, assignment)
    png_path = out_dir / f"{assignment.id}-items.png"
    fig.savefig(png_path, dpi=110, metadata={"Title": assignment.title, "Description": alt})
    png_path.with_suffix(".alt.txt").write_text(alt, encoding="utf-8")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return csv_path, png_path
