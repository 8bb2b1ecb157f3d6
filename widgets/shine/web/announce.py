"""What a screen reader announces, and where the keyboard's focus goes, on every page.

An ipywidgets ``HTML`` widget replaces its inner HTML on every change, and a live region that
arrives with its own text is often not announced at all: the region has to be in the page before
the text changes. So the widget's own element, which stays while its text changes, is the region:
:func:`live` gives it a DOM class, and the page template's script
(``voila/templates/shine/static/shine-a11y.js``) makes every element with that class a polite,
atomic live region (``role="status"``) as soon as it appears.

Focus: a message built with :func:`focused` takes the keyboard's focus when it is shown (a screen
reader reads it, a keyboard user sees it), and the next Tab, Enter or Escape, or the first letter
typed, takes the focus back to the widget named by ``back_to`` (a class given with
:func:`focus_home`). A control that a re-render removes or disables hands the focus to the nearest
heading still on the page, so the focus never falls back to the top of the page. A button that
adds fields ("Add an activity", :func:`adds_fields`) hands the focus to the first field it added.

    message = live(widgets.HTML())
    say(message, focused('<p>Posted!</p>', back_to="shine-kiosk-body"))
"""

from __future__ import annotations

from typing import TypeVar

import ipywidgets as widgets

from .html import esc

LIVE = "shine-live"  # the element is a persistent polite live region
FOCUS = "shine-focus-me"  # new content with this class takes the focus
ADDS = "shine-adds"  # pressing this button moves the focus to the first field it adds

W = TypeVar("W", bound=widgets.DOMWidget)


def live(widget: W) -> W:
    """``widget`` announces every change of its text (its element is the live region)."""
    widget.add_class(LIVE)
    return widget


def adds_fields(button: W) -> W:
    """Pressing ``button`` adds fields to the page; the focus moves on to the first of them."""
    button.add_class(ADDS)
    return button


def focus_home(widget: W, name: str) -> W:
    """``widget`` is where the focus returns to after a :func:`focused` message naming ``name``."""
    widget.add_class(name)
    return widget


def focused(html: str, back_to: str = "") -> str:
    """``html`` in a box that takes the focus when shown; the focus then returns to ``back_to``."""
    back = f' data-shine-return="{esc(back_to)}"' if back_to else ""
    return f'<div class="{FOCUS}" tabindex="-1"{back}>{html}</div>'


def say(widget: widgets.HTML, html: str) -> None:
    """Show ``html`` in a live ``widget``; the same message twice in a row is announced twice
    (the region is emptied first, or an unchanged value would change nothing in the page)."""
    if html and widget.value == html:
        widget.value = ""
    widget.value = html
