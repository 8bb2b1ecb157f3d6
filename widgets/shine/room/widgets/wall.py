"""The live wall for the projector: newest posts as tiles, milestones celebrated, the challenges
most teams share ranked by "me too", and charts of posts by type / standard and by school.

It updates itself: a background task asks the store every quarter second for a four-number
fingerprint of the workshop (newest post, vote, moderation and facilitator event) and redraws
only when that changes; new posts alone are fetched incrementally. A "me too" changes counts the
store can only give by reading every post again, whose cost grows with the day (0.1 s at 3,000
posts, measured): "me too"s are read at once, then at most every few seconds, however often the
room votes, while new posts keep arriving at once; a hidden post leaves the wall at once. Charts
(matplotlib, imported only here and only when first drawn) are redrawn at most every few seconds.
"""

from __future__ import annotations

import base64
import io
import logging
import time
from collections import Counter
from typing import Callable

import ipywidgets as widgets

from shine.i18n import _, get_language, ngettext, page_language
from shine.store import PostView, Store, StoreError
from shine.web.announce import live
from shine.web.html import PAGE_CSS, esc

from ..languages import html_in, plain_in, room_languages, text_in
from ..live import kiosk_url_from_env, repeat, workshop_id_from_env
from .kiosk import kind_labels

log = logging.getLogger("shine.wall")
POLL_SECONDS = 0.25
CHART_SECONDS = 5.0
VOTE_SECONDS = 5.0  # "me too" counts are re-read at most this often (each read re-reads every post)
TILES = 12
TOP_CHALLENGES = 5
CHART_BARS = 8

CSS = PAGE_CSS + """
<style>
.shine-wall, .shine-wall .widget-html-content { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
              color: #111827; font-size: 22px; line-height: 1.35; }
.shine-wall { width: 100%; overflow: visible !important; }
.shine-wall .widget-container, .shine-wall .widget-html, .shine-wall .widget-html-content { overflow: visible !important;
    min-width: 0; max-width: 100%; }
.shine-wall .shine-top > div { min-width: 0; max-width: 100%; overflow-wrap: anywhere; }
.shine-wall svg { max-width: 100%; height: auto; }
.shine-wall h1 { font-size: 2.2rem; margin: 0.2rem 0; }
.shine-wall h2 { font-size: 1.6rem; margin: 0.8rem 0 0.4rem; }
.shine-wall .shine-top { display: flex; gap: 2rem; align-items: flex-start; flex-wrap: wrap;
                         justify-content: space-between; }
.shine-wall .shine-meta { font-size: 0.8em; color: #3e4c59; }
.shine-wall .shine-code { font-size: 2.4rem; font-weight: 800; letter-spacing: 0.15em;
                          background: #111827; color: #fff; padding: 0.1rem 0.8rem; border-radius: 8px; }
.shine-wall .shine-count { font-size: 1.5rem; font-weight: 700; }
.shine-wall .shine-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 0.8rem; }
.shine-wall .shine-tile { border: 3px solid #9aa5b1; border-radius: 10px; padding: 0.6rem 0.8rem; background: #fff;
                          overflow-wrap: anywhere; }
.shine-wall .shine-body { white-space: pre-wrap; }
.shine-wall .shine-tile .shine-meta { font-size: 0.85em; color: #3e4c59; white-space: normal; }
.shine-wall .shine-tile.shine-milestone { border: 5px double #b7791f; background: #fff8e1; }
.shine-wall .shine-badge { font-weight: 800; text-transform: uppercase; font-size: 0.8em; letter-spacing: 0.05em; }
.shine-wall ol.shine-ranked li { margin: 0.3rem 0; overflow-wrap: anywhere; }
.shine-wall .shine-votes { font-weight: 800; }
.shine-wall .shine-empty { color: #3e4c59; font-style: italic; }
.shine-wall img.shine-chart { max-width: 100%; height: auto; }
.shine-wall .shine-also { font-weight: normal; color: #3e4c59; }
.shine-wall .shine-problem { background: #fff4e5; border-left: 6px solid #c2410c; padding: 0.4rem 0.8rem; }
/* The newest post is the largest: readable from the back of the room on a projector. */
.shine-wall .shine-tiles .shine-tile:first-child .shine-body { font-size: 1.35em; }
@media (min-width: 1200px) { .shine-wall .shine-tiles .shine-tile:first-child { grid-column: span 2; } }
/* "3 new posts" is for screen readers; the count above says it to everyone else. */
.shine-wall-news { position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
                   clip-path: inset(50%); white-space: nowrap; margin: -1px !important; padding: 0 !important; }
</style>
"""


def qr_svg(url: str) -> str:
    """A QR code for the kiosk address, drawn by us (no user text in it)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=5, dark="#111827", light="#ffffff")


class Wall(widgets.VBox):
    """``Wall()`` shows the workshop that ``shine workshop`` serves and keeps itself up to date.

    Its own words come in every language of the workshop (bilingual: English and Spanish side by
    side); the posts come as typed. ``languages`` overrides that (a page opened with ``?lang=``)."""

    def __init__(self, store: Store | None = None, workshop_id: int | None = None, *,
                 poll_seconds: float = POLL_SECONDS, chart_seconds: float = CHART_SECONDS,
                 kiosk_url: str | None = None, clock: Callable[[], float] = time.monotonic,
                 languages: list[str] | None = None, vote_seconds: float = VOTE_SECONDS):
        self.store = store or Store()
        self.workshop_id = workshop_id if workshop_id is not None else workshop_id_from_env()
        self.kiosk_url = kiosk_url or kiosk_url_from_env()
        self.chart_seconds = chart_seconds
        self.vote_seconds = vote_seconds
        self.votes_read_at: float | None = None
        self.clock = clock
        self.header = widgets.HTML()
        self.tiles = widgets.HTML()
        self.challenges = widgets.HTML()
        self.chart = widgets.HTML()
        # "2 new posts", said politely when the count grows (a live region that stays in the page
        # and changes only then, not on every poll).
        self.news = live(widgets.HTML())
        self.news.add_class("shine-wall-news")
        self.announced: int | None = None
        self.posts: dict[int, PostView] = {}
        self.fingerprint: tuple | None = None
        self.chart_drawn_at: float | None = None
        self.chart_stale = False
        self.workshop = None
        self.languages = languages or [get_language()]
        super().__init__([self.header, self.tiles, self.challenges, self.chart], layout=widgets.Layout(width="100%"))
        self.add_class("shine-wall")
        if self.workshop_id is None:
            self.header.value = CSS + "<h1>" + self._say(lambda: _("No workshop is running. Start one with: shine workshop")) + "</h1>"
            self._task = None
            return
        self.status = widgets.HTML()  # says when the database cannot be read or written; empty otherwise
        self.children = [self.status, self.news, *self.children]
        self.problem = getattr(self.store, "problem", None)  # damaged or read-only: said for as long as it lasts
        try:
            self.workshop = self.store.room.workshop(self.workshop_id)
        except StoreError as exc:
            self.status.value = CSS + self._trouble_html(exc)
            self._task = repeat(poll_seconds, self._retry_opening)
            return
        if languages is None and not page_language():  # a page opened with ?lang=es asks for one
            self.languages = room_languages(self.workshop.setup, fallback=get_language())
        self.refresh()
        self._task = repeat(poll_seconds, self.refresh)

    def _trouble_html(self, exc: Exception) -> str:
        """The store's own plain message (busy, damaged, read-only, disk full), announced."""
        return f'<p class="shine-problem" role="alert">{esc(str(exc))}</p>'

    def _retry_opening(self) -> None:
        if self.workshop is None:
            try:
                self.workshop = self.store.room.workshop(self.workshop_id)
            except StoreError as exc:
                self.status.value = CSS + self._trouble_html(exc)
                return
            if not page_language():
                self.languages = room_languages(self.workshop.setup, fallback=self.languages[0])
        self.refresh()

    @property
    def count(self) -> int:
        return len(self.posts)

    def refresh(self) -> bool:
        """One poll: redraw when anything changed; True when it did. When the database cannot be
        read, the wall keeps what it shows, says why above it, and catches up when it can."""
        try:
            fingerprint = self._paced(self.store.room.activity(self.workshop_id))
            changed = fingerprint != self.fingerprint
            if changed:
                self._load(fingerprint)
        except StoreError as exc:
            self.status.value = self._trouble_html(exc)
            return False
        self.status.value = self._trouble_html(self.problem) if self.problem is not None else ""
        if changed:
            self._draw()
            self._announce()
            self.fingerprint = fingerprint
            self.chart_stale = True
        elif not self.chart_stale:
            return False
        if not self.posts:
            self.chart.value, self.chart_drawn_at, self.chart_stale = "", None, False
        elif self.chart_drawn_at is None or self.clock() - self.chart_drawn_at >= self.chart_seconds:
            self._panel(self.chart, self._chart_html)
            self.chart_drawn_at, self.chart_stale = self.clock(), False
        return True

    def _paced(self, fingerprint: tuple) -> tuple:
        """The fingerprint to act on: with only new "me too"s (and perhaps new posts) since the last
        poll, and "me too"s read less than ``vote_seconds`` ago, the one that leaves them for later
        (new posts are still fetched at once, incrementally). The store's own fingerprint keeps
        differing, so a later poll reads them once they are due."""
        old = self.fingerprint
        if old is None or fingerprint[1] == old[1] or fingerprint[2:] != old[2:]:
            return fingerprint  # no new vote, or a hide / show / segment: every post is read now
        now = self.clock()
        if self.votes_read_at is not None and now - self.votes_read_at < self.vote_seconds:
            return (fingerprint[0], old[1], *fingerprint[2:])
        self.votes_read_at = now
        return fingerprint

    def _load(self, fingerprint: tuple) -> None:
        """New posts only when nothing was voted or hidden since (the posts we hold are still
        right), else every post afresh. The store's cursor returns every post not shown yet, even
        one that committed after a post with a higher id (PostgreSQL)."""
        only_new_posts = self.fingerprint is not None and fingerprint[1:] == self.fingerprint[1:]
        cursor = getattr(self, "post_cursor", None) if only_new_posts else None
        posts, self.post_cursor = self.store.room.new_posts(self.workshop_id, cursor)
        if cursor is None:
            self.posts = {}
        for post in posts:
            self.posts[post.id] = post

    # --- drawing -----------------------------------------------------------------------------------

    def _newest(self) -> list[PostView]:
        return sorted(self.posts.values(), key=lambda p: p.id, reverse=True)

    def _draw(self) -> None:
        posts = self._newest()
        schools = {p.school for p in posts if p.school}
        self._panel(self.header, lambda: CSS + self._header_html(posts, len(schools)))
        self._panel(self.tiles, lambda: self._tiles_html(posts[:TILES]))
        self._panel(self.challenges, lambda: self._challenges_html(posts))

    def _announce(self) -> None:
        """Say how many posts arrived since the wall was last drawn (nothing on the first drawing,
        nor when a post is only hidden or voted on)."""
        count = self.count
        if self.announced is not None and count > self.announced:
            new = count - self.announced
            self.news.value = "<p>" + self._say(lambda: ngettext("{n} new post", "{n} new posts", new).format(n=new)) + "</p>"
        self.announced = count

    def _panel(self, widget: widgets.HTML, draw: Callable[[], str]) -> None:
        """Draw one part of the wall; a part that fails says so in its place and the rest goes on
        (no post, name or tag may take the whole wall down)."""
        try:
            widget.value = draw()
        except Exception:
            log.exception("the wall could not draw a panel")
            said = self._say(lambda: _("This part of the wall could not be drawn just now; the rest keeps "
                                       "updating. Every post is saved."))
            widget.value = (CSS if widget is self.header else "") + f'<p class="shine-empty" role="status">{said}</p>'

    def _say(self, make: Callable[[], str]) -> str:
        """Escaped HTML of one of the wall's own texts, in each of its languages."""
        return html_in(self.languages, make)

    def _header_html(self, posts: list[PostView], schools: int) -> str:
        count = self._say(lambda: ngettext("{n} post", "{n} posts", len(posts)).format(n=len(posts))
                          + " · " + ngettext("{n} school", "{n} schools", schools).format(n=schools))
        newest = posts[0].id if posts else 0
        join = self._say(lambda: _("Join at the kiosk with code"))
        qr = ""
        if self.kiosk_url:
            label = plain_in(self.languages, lambda: _("QR code for the kiosk page"))
            qr = (f'<div><div role="img" aria-label="{esc(label)}">{qr_svg(self.kiosk_url)}</div>'
                  f'<div class="shine-meta">{esc(self.kiosk_url)}</div></div>')
        return (f'<div class="shine-top"><div><h1><bdi>{esc(self.workshop.name)}</bdi></h1>'
                f'<p>{join} <span class="shine-code">{esc(self.workshop.code)}</span></p>'
                f'<p class="shine-count shine-wall-count" data-count="{len(posts)}" data-newest="{newest}">'
                f"{count}</p></div>{qr}</div>")

    def _tag_label(self, tag: str) -> str:
        """A tag's label in the wall's languages ("Communicating / Comunicación")."""
        for t in (self.workshop.setup or {}).get("tags", []):
            if t["id"] == tag:
                return " / ".join(dict.fromkeys(text_in(t["label"], lang) for lang in self.languages))
        return tag

    def _tiles_html(self, posts: list[PostView]) -> str:
        title = "<h2>" + self._say(lambda: _("Newest posts")) + "</h2>"
        if not posts:
            return title + '<p class="shine-empty">' + self._say(lambda: _("No posts yet: be the first!")) + "</p>"
        tiles = []
        for p in posts:
            badge = self._say(lambda: kind_labels().get(p.kind, p.kind))
            if p.kind == "milestone":
                badge = "🎉 " + badge + " 🎉"
            tags = ", ".join(self._tag_label(t) for t in p.tags)
            where = f"<bdi>{esc(p.school)}</bdi>" if p.school else self._say(lambda: _("a team"))
            meta = " · ".join(x for x in (where, f"<bdi>{esc(tags)}</bdi>" if tags else "") if x)
            tiles.append(f'<div class="shine-tile shine-{esc(p.kind)}" data-post-id="{p.id}">'
                         f'<div class="shine-badge">{badge}</div><div class="shine-body" dir="auto">{esc(p.body)}</div>'
                         f'<div class="shine-meta">{meta}</div></div>')
        return title + '<div class="shine-tiles">' + "".join(tiles) + "</div>"

    def _challenges_html(self, posts: list[PostView]) -> str:
        title = "<h2>" + self._say(lambda: _("Challenges we share (most “me too” first)")) + "</h2>"
        ranked = sorted((p for p in posts if p.kind == "challenge"), key=lambda p: (-p.votes, -p.id))[:TOP_CHALLENGES]
        if not ranked:
            return title + '<p class="shine-empty">' + self._say(lambda: _("No challenges posted yet.")) + "</p>"
        items = []
        for p in ranked:
            votes = self._say(lambda: ngettext("{n} me too", "{n} me too", p.votes).format(n=p.votes))
            where = f"<bdi>{esc(p.school)}</bdi>" if p.school else self._say(lambda: _("a team"))
            items.append(f'<li data-post-id="{p.id}"><span class="shine-votes">{votes}</span>: <bdi>{esc(p.body)}</bdi> '
                         f'<span class="shine-meta">({where})</span></li>')
        return title + '<ol class="shine-ranked">' + "".join(items) + "</ol>"

    def _chart_html(self) -> str:
        posts = list(self.posts.values())
        if not posts:
            return ""
        by_tag = Counter(self._tag_label(t) for p in posts for t in p.tags).most_common(CHART_BARS)
        a_team = plain_in(self.languages, lambda: _("a team"))
        by_school = Counter(p.school or a_team for p in posts).most_common(CHART_BARS)
        png = _chart_png(by_tag, by_school, self.languages)
        alt = plain_in(self.languages, lambda: _(
            "Bar charts. Posts by type or standard: {tags}. Posts by school: {schools}.").format(
            tags="; ".join(f"{k} {v}" for k, v in by_tag) or _("no tags yet"),
            schools="; ".join(f"{k} {v}" for k, v in by_school)), separator=" ")
        data = base64.b64encode(png).decode()
        return ("<h2>" + self._say(lambda: _("What we are posting about")) + "</h2>"
                f'<img class="shine-chart" alt="{esc(alt)}" src="data:image/png;base64,{data}">'
                + _chart_tables(by_tag, by_school, self.languages))


def _chart_png(by_tag: list[tuple[str, int]], by_school: list[tuple[str, int]], languages: list[str]) -> bytes:
    """Two horizontal bar charts, labelled with their numbers and hatched (readable in greyscale)."""
    from shine.web.charts import Figure  # text drawn as typed, never as maths ("$$ Academy")

    def say(make) -> str:
        return plain_in(languages, make)

    fig = Figure(figsize=(13, 4.8), dpi=80, layout="constrained")
    panels = ((by_tag, say(lambda: _("Posts by type of involvement or standard")), say(lambda: _("Type or standard")), "//"),
              (by_school, say(lambda: _("Posts by school")), say(lambda: _("School")), ".."))
    for i, (data, title, ylabel, hatch) in enumerate(panels):
        ax = fig.add_subplot(1, 2, i + 1)
        labels = [_shorten(k) for k, _v in data][::-1]
        values = [v for _k, v in data][::-1]
        bars = ax.barh(labels or [""], values or [0], color="#d9e2ec", edgecolor="#111827", hatch=hatch)
        ax.bar_label(bars, padding=3, fontsize=13)
        ax.set_title(title, fontsize=16)
        ax.set_xlabel(say(lambda: _("Number of posts")), fontsize=13)
        ax.set_ylabel(ylabel, fontsize=13)
        ax.tick_params(labelsize=12)
        ax.margins(x=0.15)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _chart_tables(by_tag: list[tuple[str, int]], by_school: list[tuple[str, int]], languages: list[str]) -> str:
    """The charts' numbers as two tables, in a closed "Data table" section a screen reader can read."""
    from shine.web.charts import table_html

    def say(make) -> str:
        return plain_in(languages, make)

    posts = say(lambda: _("Number of posts"))
    tables = (table_html([say(lambda: _("Type or standard")), posts], [[k, str(v)] for k, v in by_tag],
                         say(lambda: _("Posts by type of involvement or standard")))
              + table_html([say(lambda: _("School")), posts], [[k, str(v)] for k, v in by_school],
                           say(lambda: _("Posts by school"))))
    summary = esc(say(lambda: _("Data table")))
    return f'<details class="shine-chart-data"><summary>{summary}</summary>{tables}</details>'


def _shorten(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
