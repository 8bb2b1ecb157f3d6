"""Exporting a session: every post (hidden ones marked) as CSV and, with the agenda, events,
teams and moderation, as JSON; and a printable one-page summary. Files are written under
``<SHINE_HOME>/exports/<join code>/`` and offered as downloads in the console."""

from __future__ import annotations

import base64
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets

from shine.i18n import _, get_language, ngettext
from shine.store import Store, StoreError, shine_home
from shine.web.announce import live
from shine.web.html import esc
from shine.web.sheets import csv_text

from ..languages import text_in
from .kiosk import kind_labels

CSV_COLUMNS = ("id", "created_at", "school", "kind", "body", "tags", "segment", "votes", "hidden")
def _labels(store: Store, workshop_id: int) -> dict[str, str]:
    setup = store.room.workshop(workshop_id).setup or {}
    lang = get_language()
    return {t["id"]: text_in(t["label"], lang) for t in setup.get("tags", [])}


def posts_csv(store: Store, workshop_id: int) -> str:
    labels = _labels(store, workshop_id)
    return csv_text(CSV_COLUMNS, ((p.id, p.created_at.isoformat(), p.school or "", p.kind, p.body,
                                   "; ".join(labels.get(t, t) for t in p.tags), p.segment_id or "", p.votes,
                                   "yes" if p.hidden else "no")
                                  for p in reversed(store.room.posts(workshop_id, include_hidden=True))))


def session_data(store: Store, workshop_id: int) -> dict:
    w = store.room.workshop(workshop_id)
    state = store.room.session_state(workshop_id)
    return {
        "workshop": {"id": w.id, "code": w.code, "name": w.name, "kind": w.kind, "agenda_id": w.agenda_id,
                     "held_on": w.held_on.isoformat() if w.held_on else None, "language": w.language,
                     "created_at": w.created_at.isoformat()},
        "setup": w.setup,
        "current_segment": state.segment_id,
        "closed_segments": sorted(state.closed_segments),
        "teams_present": [{"district": t.team.district, "school": t.team.school, "devices": t.devices,
                           "posts": t.posts} for t in store.room.teams_present(workshop_id)],
        "posts": [{"id": p.id, "created_at": p.created_at.isoformat(), "school": p.school, "kind": p.kind,
                   "body": p.body, "tags": list(p.tags), "segment": p.segment_id, "votes": p.votes,
                   "hidden": p.hidden} for p in reversed(store.room.posts(workshop_id, include_hidden=True))],
        "moderation": [{"post_id": pid, "action": action, "reason": reason, "at": at.isoformat()}
                       for pid, action, reason, at in store.room.moderation_log(workshop_id)],
    }


def session_json(store: Store, workshop_id: int) -> str:
    return json.dumps(session_data(store, workshop_id), ensure_ascii=False, indent=2)


PRINT_CSS = """<style>
body { font-family: Georgia, "Times New Roman", serif; max-width: 48rem; margin: 1.5rem auto; color: #000; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #000; margin-top: 1.4rem; }
li { margin: 0.25rem 0; overflow-wrap: anywhere; } .meta { color: #333; font-size: 0.9rem; }
@media print { h2 { break-after: avoid; } li { break-inside: avoid; } }
</style>"""


def summary_html(store: Store, workshop_id: int) -> str:
    """A printable page: counts, milestones, the challenges ranked, practices, questions, teams."""
    w = store.room.workshop(workshop_id)
    posts = list(reversed(store.room.posts(workshop_id)))
    kinds = Counter(p.kind for p in posts)
    teams = store.room.teams_present(workshop_id)

    def listing(kind: str, title: str, ranked: bool = False) -> str:
        chosen = [p for p in posts if p.kind == kind]
        if ranked:
            chosen.sort(key=lambda p: (-p.votes, p.id))
        if not chosen:
            return ""
        items = []
        for p in chosen:
            votes = " · " + ngettext("{n} me too", "{n} me too", p.votes).format(n=p.votes) if ranked else ""
            where = p.school or _("a team")
            items.append(f'<li>{esc(p.body)} <span class="meta">({esc(where)}{esc(votes)})</span></li>')
        return f"<h2>{esc(title)}</h2><ol>" + "".join(items) + "</ol>"

    names = kind_labels()
    counts = ", ".join(f"{esc(names.get(k, k))}: {n}" for k, n in sorted(kinds.items())) or esc(_("no posts"))
    team_items = "".join(f"<li>{esc(t.team.school)} ({esc(t.team.district)})</li>" for t in teams)
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta = _("{date} · join code {code} · summary made {made}").format(date=w.held_on or "", code=w.code, made=made)
    total = ngettext("{n} post", "{n} posts", len(posts)).format(n=len(posts))
    teams_title = _("Teams present")
    return (
        f'<!doctype html><html lang="{esc(get_language())}"><head><meta charset="utf-8"><title>{esc(w.name)}</title>{PRINT_CSS}</head><body>'
        f'<h1>{esc(w.name)}</h1><p class="meta">{esc(meta)}</p><p>{esc(total)} ({counts})</p>'
        + listing("milestone", _("Milestones to celebrate"))
        + listing("challenge", _("Challenges, most shared first"), ranked=True)
        + listing("practice", _("Practices to share"))
        + listing("question", _("Questions"))
        + (f"<h2>{esc(teams_title)}</h2><ul>{team_items}</ul>" if team_items else "")
        + "</body></html>"
    )


def export_folder(store: Store, workshop_id: int) -> Path:
    folder = shine_home() / "exports" / store.room.workshop(workshop_id).code
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _download_link(name: str, mime: str, text: str, label: str) -> str:
    data = base64.b64encode(text.encode("utf-8")).decode()
    return f'<a download="{esc(name)}" href="data:{mime};charset=utf-8;base64,{data}">{esc(label)}</a>'


class ExportPanel(widgets.VBox):
    """Three buttons: CSV, JSON, printable summary; each writes a file and offers it to download."""

    FORMATS = {
        "csv": ("posts.csv", "text/csv", posts_csv),
        "json": ("session.json", "application/json", session_json),
        "summary": ("summary.html", "text/html", summary_html),
    }

    def __init__(self, store: Store, workshop_id: int):
        self.store = store
        self.workshop_id = workshop_id
        self.result = live(widgets.HTML())
        self.buttons = {
            "csv": widgets.Button(description=_("Export CSV")),
            "json": widgets.Button(description=_("Export JSON")),
            "summary": widgets.Button(description=_("Printable summary"),
                                      layout=widgets.Layout(width="auto")),
        }
        for fmt, button in self.buttons.items():
            button.on_click(lambda _b, f=fmt: self.export(f))
        super().__init__([widgets.HTML("<h3>" + esc(_("Export the session")) + "</h3>"),
                          widgets.HBox(list(self.buttons.values())), self.result])

    def export(self, fmt: str) -> Path | None:
        name, mime, build = self.FORMATS[fmt]
        try:
            text = build(self.store, self.workshop_id)
            path = export_folder(self.store, self.workshop_id) / name
            path.write_text(text, encoding="utf-8")
        except (StoreError, OSError) as exc:
            self.result.value = f'<p>{esc(str(exc))}</p>'
            return None
        link = _download_link(name, mime, text, _("Download {name}").format(name=name))
        saved = esc(_("Saved to {path}").format(path=path))
        self.result.value = f'<p>{saved} · {link}</p>'
        return path
