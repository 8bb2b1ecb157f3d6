"""The kiosk: join a workshop with its code, pick the school, post, say "me too".

Made for a phone 360 px wide or a tablet on a stand: one column, big touch targets, plain
words. Kiosk mode: after a post the form empties for the next person, and a kiosk left alone
goes back to the start (choosing the school). Every screen after the first is built only when
it is first needed, so the page a participant opens is small and its kernel stays light (no
curriculum models, no charts: the tag labels come with the workshop from the store).

Language: the kiosk starts in the page's language (``?lang=es``; a preheated kernel learns it when
its page is requested, :func:`kiosk_page`) or the workshop's, and a button above every screen
("Español" / "English") switches it on the spot, inside the kernel: every label is set again on
the same widgets, so whatever the participant has typed or chosen stays as it is. Every handler
runs in the kiosk's own language (:meth:`Kiosk._speaking`): a comm message does not carry the
context the page's cell ran in.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import replace
from typing import Callable

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle

from shine.i18n import _, available_languages, get_language, language, language_name, ngettext, page_language
from shine.store import POST_KINDS, PostView, Store, StoreError, StoreInputError
from shine.web.announce import focus_home, focused, live, say
from shine.web.html import esc

from ..languages import text_in
from .kiosk_style import CSS
from ..live import repeat, when_requested, workshop_id_from_env

IDLE_SECONDS = 120
OTHERS_SHOWN = 6
MAX_CODE_CHARS = 12
NEW_TEAM = "new"
FORM_HOME = "shine-kiosk-body"  # after "Posted!" the focus goes back to the text box



# Each language's own name ("Español"), worked out once per process from Babel's locale data
# (80 ms): a kiosk kernel forked from the warm server (shine.room.kernels) finds them ready.
LANGUAGE_NAMES = {lang: language_name(lang) for lang in available_languages()}


DEVICE_ENV = "HTTP_X_SHINE_DEVICE"  # the browser's device cookie, passed by the server (shine.upstream)


def _device(value: str) -> str:
    """The device id, if it looks like one the server gives out; "" otherwise."""
    value = (value or "").strip()
    return value if len(value) == 22 and all(c.isalnum() or c in "-_" for c in value) else ""


def kind_labels() -> dict[str, str]:
    return {
        "milestone": _("Milestone"),
        "challenge": _("Challenge"),
        "practice": _("Practice to share"),
        "question": _("Question"),
    }


def _message(kind: str, text: str, back_to: str = "") -> str:
    """A confirmation (``ok``) or a problem, for a live widget that announces it; with ``back_to``
    it takes the focus, which then goes back to the form (:mod:`shine.web.announce`)."""
    box = f'<div class="shine-{kind}">{esc(text)}</div>'
    return focused(box, back_to) if back_to else box


def _button(label: str, style: str = "", layout: widgets.Layout | None = None) -> widgets.Button:
    button = widgets.Button(description=label, button_style=style, **({"layout": layout} if layout else {}))
    button.add_class("shine-wide")
    return button


def kiosk_page(**kwargs) -> "Kiosk":
    """The kiosk as its page shows it (``facilitator/dashboards/kiosk.ipynb``).

    The stylesheet is shown as part of the page, not as a widget: the page draws it at once,
    while it is still connecting to its kernel, instead of restyling everything when the widgets
    arrive (on one core, 139 ms instead of 181 ms from the widget states arriving to the code box
    being usable; ``benchmarks/timeline.py``).

    A preheated kernel runs this before anyone asks for the page, so it cannot know the page's
    ``?lang=``: it waits for the request in a thread, and the kiosk switches when it comes."""
    from IPython.display import HTML, display

    display(HTML(CSS))
    kiosk = Kiosk(styled=False, **kwargs)
    when_requested(kiosk.adopt_request)
    return kiosk


class Kiosk(widgets.VBox):
    """``Kiosk()`` serves the workshop that ``shine workshop`` started (``SHINE_WORKSHOP``)."""

    def __init__(self, store: Store | None = None, workshop_id: int | None = None, *,
                 idle_seconds: float = IDLE_SECONDS, clock: Callable[[], float] = time.monotonic,
                 styled: bool = True, lang: str | None = None):
        self.store = store or Store()
        self.expected_workshop = workshop_id if workshop_id is not None else workshop_id_from_env()
        self.client_id = "kiosk-" + secrets.token_hex(6)
        self.device = _device(os.environ.get(DEVICE_ENV, ""))
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.last_activity = clock()
        self.workshop = None
        self.team = None
        self.setup: dict = {}
        self._team_screen: widgets.VBox | None = None
        self._post_screen: widgets.VBox | None = None
        self.lang = get_language()
        if lang:
            with language(lang) as chosen:
                self.lang = chosen

        # The first screen is what every phone waits for. Each widget's layout and style is a
        # model of its own that the page fetches from the kernel and builds before the form
        # shows, so the pieces of this screen share one layout and their HTML one style, and the
        # two buttons one style (none of them is ever changed on its own): 13 models instead of 21
        # (benchmarks/timeline.py).
        plain, html_style = widgets.Layout(), HTMLStyle()
        # Sent when the box is left (Tab, or a tap on Join), not on every key: a press of Join would
        # otherwise overtake the last keys, held back while the kernel answers the earlier ones.
        self.code = widgets.Text(layout=plain, continuous_update=False)
        self.join_button = _button("", "primary", layout=plain)
        self.join_title = widgets.HTML(layout=plain, style=html_style)
        self.join_message = live(widgets.HTML(layout=plain, style=html_style))
        self.join_button.on_click(self._speaking(self._join))
        self.join_screen = widgets.VBox([self.join_title, self.code, self.join_button, self.join_message], layout=plain)
        # The language switch stays above every screen; with one catalogued language there is none.
        self.language_button = None
        head = []
        if len(available_languages()) > 1:
            self.language_button = widgets.Button(layout=plain, style=self.join_button.style)
            self.language_button.add_class("shine-language")
            self.language_button.on_click(lambda _b: self.switch_language(self._next_language()))
            head.append(self.language_button)
        # The stylesheet stays while the screens change below it; on the kiosk page it is part of
        # the page itself instead (kiosk_page), so it applies before the first widget arrives.
        self.style = widgets.HTML(CSS, layout=plain, style=html_style) if styled else None
        self._head = ([self.style] if styled else []) + head
        with language(self.lang):
            self._label_join()
        super().__init__([*self._head, self.join_screen], layout=widgets.Layout(width="100%"))
        self.add_class("shine-kiosk")
        self._idle_task = repeat(5, self._speaking(self.check_idle))

    # --- who asked for the page ---------------------------------------------------------------------

    def adopt_request(self, info: dict[str, str]) -> None:
        """A preheated kiosk learns its page's request: its ``?lang=`` and the browser's device."""
        self.device = _device(info.get(DEVICE_ENV, "")) or self.device
        lang = page_language(info.get("QUERY_STRING", ""))
        if lang:
            self.switch_language(lang)

    def _voter(self) -> str:
        """Who says "me too": one vote per post per device (the browser's cookie, so a reload is
        the same voter) and school (so a kiosk on a stand serves every school at the table)."""
        if self.device and self.team is not None:
            return f"device-{self.device}-team-{self.team.id}"
        return self.client_id

    # --- language ----------------------------------------------------------------------------------

    def _speaking(self, handler: Callable) -> Callable:
        """``handler`` run in the kiosk's language, whatever context the kernel calls it in."""
        def run(*args, **kwargs):
            with language(self.lang):
                return handler(*args, **kwargs)
        return run

    def _next_language(self) -> str:
        langs = available_languages()
        return langs[(langs.index(self.lang) + 1) % len(langs)] if self.lang in langs else langs[0]

    def switch_language(self, lang: str) -> None:
        """Show the kiosk in ``lang``: every label is set again; typed text and choices stay."""
        self.touch()
        with language(lang) as chosen:
            if chosen == self.lang:
                return
            self.lang = chosen
            for message in self._messages():
                message.value = ""  # said in the other language; the next action speaks again
            self._label_join()
            if self._team_screen is not None:
                self._label_team()
            if self._post_screen is not None:
                self._label_post()

    def _messages(self) -> list[widgets.HTML]:
        found = [self.join_message]
        if self._team_screen is not None:
            found.append(self.team_message)
        if self._post_screen is not None:
            found += [self.post_message, self.vote_message]
        return found

    def _html(self, body: str) -> str:
        return f'<div lang="{self.lang}">{body}</div>'

    def _label_join(self) -> None:
        self.join_title.value = self._html("<h2>" + esc(_("Join the workshop")) + "</h2><p>"
                                           + esc(_("Type the code shown on the wall.")) + "</p>")
        self.code.placeholder = _("Join code, e.g. K7QH2M")
        self.code.description = _("Join code")
        self.join_button.description = _("Join")
        if self.language_button is not None:
            other = self._next_language()
            self.language_button.description = LANGUAGE_NAMES.get(other) or language_name(other)
            with language(other):
                self.language_button.tooltip = _("Show the kiosk in this language")  # said in that language

    # --- moving between screens ------------------------------------------------------------------

    def touch(self) -> None:
        self.last_activity = self.clock()

    def _show(self, screen: widgets.Widget) -> None:
        self.children = [*self._head, screen]

    @property
    def screen(self) -> str:
        shown = self.children[-1]
        if shown is self.join_screen:
            return "join"
        return "team" if shown is self._team_screen else "post"

    def check_idle(self) -> bool:
        """Back to the start when nobody has touched the kiosk for a while; True when it went back."""
        if self.clock() - self.last_activity < self.idle_seconds or self.screen == "join":
            return False
        if self.workshop is None or self.screen == "team":
            return False
        self.team = None
        self._reset_form()
        self._show_team_screen()
        say(self.team_message, _message("ok", _("Welcome! Choose your school to start.")))
        return True

    # --- 1. join ---------------------------------------------------------------------------------

    def _join(self, _button=None) -> None:
        self.touch()
        code = (self.code.value or "").strip()
        if not code:
            say(self.join_message, _message("problem", _("Please type the join code first.")))
            return
        if len(code) > MAX_CODE_CHARS or not code.isalnum():
            say(self.join_message, _message(
                "problem", _("A join code is six letters and numbers, like K7QH2M. Please check it on the wall.")))
            return
        try:
            workshop = self.store.room.workshop_by_code(code)
        except StoreError as exc:
            say(self.join_message, _message("problem", str(exc)))
            return
        if workshop is None or (self.expected_workshop is not None and workshop.id != self.expected_workshop):
            say(self.join_message, _message(
                "problem", _("That code does not match this workshop. Please check the code on the wall.")))
            return
        self.workshop = workshop
        self.setup = workshop.setup or {}
        self.join_message.value = ""
        self._show_team_screen()

    # --- 2. team -------------------------------------------------------------------------------

    def _build_team_screen(self) -> None:
        self.team_choice = widgets.Dropdown()
        self.district = widgets.Text(continuous_update=False)  # as the join code
        self.school = widgets.Text(continuous_update=False)
        self.new_team = widgets.VBox([self.district, self.school], layout=widgets.Layout(display="none"))
        self.team_button = _button("", "primary")
        self.team_message = live(widgets.HTML())
        self.team_title = widgets.HTML()
        self.team_choice.observe(self._speaking(self._team_choice_changed), names="value")
        self.team_button.on_click(self._speaking(self._choose_team))
        self._team_screen = widgets.VBox([self.team_title, self.team_choice, self.new_team, self.team_button,
                                          self.team_message])
        self._label_team()

    def _label_team(self) -> None:
        self.team_title.value = self._html("<h2>" + esc(self.workshop.name) + "</h2><p>"
                                           + esc(_("Which school are you posting for?")) + "</p>")
        self.team_choice.description = _("Your school")
        self.district.placeholder = _("e.g. Groton")
        self.district.description = _("District")
        self.school.placeholder = _("e.g. Cutler Middle School")
        self.school.description = _("School name")
        self.team_button.description = _("Continue")
        self._team_options()

    def _team_options(self) -> None:
        """The schools to choose from, keeping the one chosen (its id is the same in every language)."""
        chosen = self.team_choice.value
        options = [(_("Choose your school…"), "")]
        options += [(f"{t.school} ({t.district})", t.id) for t in self.store.teams.all()]
        options.append((_("My school is not in the list"), NEW_TEAM))
        self.team_choice.options = options
        self.team_choice.value = chosen if any(value == chosen for _label, value in options) else ""

    def _show_team_screen(self) -> None:
        if self._team_screen is None:
            self._build_team_screen()
        self.team_choice.value = ""
        self._team_options()
        self.team_message.value = ""
        self._show(self._team_screen)

    def _team_choice_changed(self, change) -> None:
        self.touch()
        self.new_team.layout.display = "flex" if change["new"] == NEW_TEAM else "none"

    def _choose_team(self, _button=None) -> None:
        self.touch()
        choice = self.team_choice.value
        try:
            if not choice:
                raise StoreInputError(_("Please choose your school from the list."))
            if choice == NEW_TEAM:
                team = self.store.teams.ensure(self.district.value, self.school.value)
            else:
                team = next(t for t in self.store.teams.all() if t.id == choice)
            self.store.room.join(self.workshop.id, self.client_id, team.id)
        except StoreError as exc:
            say(self.team_message, _message("problem", str(exc)))
            return
        self.team = team
        if self._post_screen is not None:
            self._voted.clear()  # another school at this kiosk has its own "me too"s
        self.district.value = self.school.value = ""
        self._show_post_screen()

    # --- 3. post --------------------------------------------------------------------------------

    def _build_post_screen(self) -> None:
        self.heading = widgets.HTML()
        self.change_team = _button("")
        self.change_team.on_click(self._speaking(lambda _b: (self.touch(), self._show_team_screen())))
        self.kind_question = widgets.HTML()
        self.kind = widgets.ToggleButtons(options=[(k, k) for k in POST_KINDS], value=None)
        self.body = focus_home(widgets.Textarea(), FORM_HOME)
        self.tag_buttons = {}
        self.tag_titles = {}
        groups = []
        tags = self.setup.get("tags", [])
        for group in ("type", "standard"):
            in_group = [t for t in tags if t.get("group") == group]
            for tag in in_group:
                button = widgets.ToggleButton(value=False)
                button.observe(lambda _c: self.touch(), names="value")
                self.tag_buttons[tag["id"]] = button
            if in_group:
                box = widgets.Box([self.tag_buttons[t["id"]] for t in in_group])
                box.add_class("shine-wrap")
                self.tag_titles[group] = widgets.HTML()
                groups += [self.tag_titles[group], box]
        self.post_button = _button("", "success")
        self.post_message = live(widgets.HTML())
        self.kind.observe(lambda _c: self.touch(), names="value")
        self.body.observe(lambda _c: self.touch(), names="value")
        self.post_button.on_click(self._speaking(self._post))
        self.others_title = widgets.HTML()
        self.other_rows = []
        for _i in range(OTHERS_SHOWN):
            text, button = widgets.HTML(), _button("")
            button.on_click(self._speaking(self._vote))
            row = widgets.VBox([text, button], layout=widgets.Layout(display="none"))
            row.add_class("shine-other")
            self.other_rows.append((row, text, button))
        self.refresh_button = _button("")
        self.refresh_button.on_click(self._speaking(lambda _b: (self.touch(), self.refresh_others())))
        self.vote_message = live(widgets.HTML())
        self._shown_posts: list[PostView] = []
        self._voted: set[int] = set()  # posts this kiosk said "me too" to: their buttons stay off
        self._post_screen = widgets.VBox(
            [self.heading, self.change_team, self.kind_question, self.kind, self.body, *groups, self.post_button,
             self.post_message, self.others_title, self.vote_message, *[r[0] for r in self.other_rows],
             self.refresh_button])
        self._label_post()

    def _label_post(self) -> None:
        labels = kind_labels()
        if self.team is not None:
            self.heading.value = self._html(
                "<h2>" + esc(_("Posting for {school}").format(school=self.team.school)) + "</h2>")
        self.change_team.description = _("Not your school? Change")
        self.kind_question.value = self._html("<p>" + esc(_("What are you posting?")) + "</p>")
        chosen = self.kind.value
        self.kind.options = [(labels[k], k) for k in POST_KINDS]
        self.kind.value = chosen
        self.body.placeholder = _("Write your post here: what happened, what you need, what worked.")
        self.body.description = _("Your post")
        titles = {"type": _("Type of involvement"), "standard": _("Standard")}
        for group, title in self.tag_titles.items():
            title.value = self._html("<p>" + esc(titles[group]) + "</p>")
        for tag in self.setup.get("tags", []):
            button = self.tag_buttons.get(tag["id"])
            if button is not None:
                button.description = button.tooltip = text_in(tag.get("label"), self.lang)
        self.post_button.description = _("Post")
        self.others_title.value = self._html("<h2>" + esc(_("Others' posts")) + "</h2><p>"
                                             + esc(_("Tap “Me too” when it is true for your school as well.")) + "</p>")
        self.refresh_button.description = _("Show the newest posts")
        self._label_others()

    def _show_post_screen(self) -> None:
        if self._post_screen is None:
            self._build_post_screen()
        self.heading.value = self._html(
            "<h2>" + esc(_("Posting for {school}").format(school=self.team.school)) + "</h2>")
        self.post_message.value = ""
        self.refresh_others()
        self._show(self._post_screen)

    def _reset_form(self) -> None:
        if self._post_screen is None:
            return
        self.kind.value = None
        self.body.value = ""
        for button in self.tag_buttons.values():
            button.value = False

    def _post(self, _button=None) -> None:
        self.touch()
        if self.kind.value is None:
            say(self.post_message, _message(
                "problem", _("Choose what you are posting: a milestone, a challenge, a practice or a question.")))
            return
        tags = [tag for tag, button in self.tag_buttons.items() if button.value]
        try:
            state = self.store.room.session_state(self.workshop.id)
            if not state.posting_open:
                say(self.post_message, _message(
                    "problem", _("Posting is paused for this part of the agenda. Your text is still here; "
                                 "post it when the facilitator opens posting again.")))
                return
            self.store.room.add_post(self.workshop.id, self.kind.value, self.body.value, self.client_id,
                                     team_id=self.team.id, tags=tags, segment_id=state.segment_id)
        except StoreError as exc:
            say(self.post_message, _message("problem", str(exc)))
            return
        # The confirmation first: a page that sees the form empty has its "Posted!" already.
        say(self.post_message, _message(
            "ok", _("Posted! It is on the wall now. The form is empty again for the next post."), FORM_HOME))
        self._reset_form()
        self.refresh_others()

    # --- 4. me too --------------------------------------------------------------------------------

    def refresh_others(self) -> None:
        try:
            posts = self.store.room.posts(self.workshop.id, limit=OTHERS_SHOWN, exclude_client=self.client_id)
        except StoreError as exc:
            say(self.vote_message, _message("problem", str(exc)))
            return
        self._shown_posts = posts
        self._label_others()

    def _label_others(self) -> None:
        labels = kind_labels()
        posts = self._shown_posts
        for i, (row, text, button) in enumerate(self.other_rows):
            if i >= len(posts):
                row.layout.display = "none"
                continue
            post = posts[i]
            where = esc(post.school) if post.school else esc(_("a team"))
            # The post is shown as typed, in its own language (no lang of ours on it) and direction.
            text.value = (f'<span class="shine-kind" lang="{self.lang}">{esc(labels.get(post.kind, post.kind))}</span>'
                          f' · <bdi>{where}</bdi><div dir="auto">{esc(post.body)}</div>')
            button.description = ngettext("Me too ({n})", "Me too ({n})", post.votes).format(n=post.votes)
            button.disabled = post.id in self._voted
            row.layout.display = "flex"

    def _vote(self, button: widgets.Button) -> None:
        self.touch()
        index = next(i for i, row in enumerate(self.other_rows) if row[2] is button)
        post = self._shown_posts[index]
        try:
            counted = self.store.room.vote(post.id, self._voter())
        except StoreError as exc:
            say(self.vote_message, _message("problem", str(exc)))
            return
        self._voted.add(post.id)
        if counted:
            self._shown_posts[index] = replace(post, votes=post.votes + 1)
            say(self.vote_message, _message("ok", _("Thank you: your “me too” is counted.")))
        else:
            say(self.vote_message, _message("ok", _("You already said “me too” to this post; it counts once.")))
        self._label_others()
