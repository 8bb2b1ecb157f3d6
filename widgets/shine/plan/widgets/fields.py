"""Inputs of the plan builder and how they write into the plan (helpers, not a component).

Every input is labelled (its ``description`` becomes a real ``<label>``), stretches to the full
width and uses a 16 px font, so a tablet neither zooms nor makes people aim. A :class:`Binder`
writes each change into the plan model, which validates it; a value the model refuses (10,000
characters, a cost that is not a number) leaves the model as it was, and the binder reports the
reason in plain words instead.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import TextStyle
from pydantic import BaseModel, ValidationError

from shine.i18n import _

from ..model import explain, field_label

_shared: dict[str, widgets.Widget] = {}


def _full() -> widgets.Layout:
    """One layout model shared by every full-width input: a plan has hundreds of inputs, and a
    layout of their own would double the widgets the page has to create."""
    if "layout" not in _shared:
        _shared["layout"] = widgets.Layout(width="100%")
    return _shared["layout"]


def _style(kind: type) -> widgets.Widget:
    key = f"style-{kind.__name__}"
    if key not in _shared:
        _shared[key] = kind(description_width="initial")
    return _shared[key]


def text_input(value: str, attr: str, *, area: bool = False, placeholder: str = "") -> widgets.Widget:
    cls = widgets.Textarea if area else widgets.Text
    box = cls(value=value, description=field_label(attr), placeholder=placeholder, continuous_update=True,
              layout=_full(), style=_style(TextStyle))
    if area:
        box.rows = 3
    return box


def date_input(value: date | None, attr: str) -> widgets.DatePicker:
    return widgets.DatePicker(value=value, description=field_label(attr), layout=_full(),
                              style=_style(DescriptionStyle))


def choice_input(options: list[tuple[str, Any]], value: Any, attr: str) -> widgets.Dropdown:
    """A menu; a ``None`` choice becomes "" (a Dropdown shows ``None`` as no choice at all)."""
    options = [(label, "" if v is None else v) for label, v in options]
    value = "" if value is None else value
    if value not in [v for _label, v in options]:
        options = options + [(str(value), value)]
    return widgets.Dropdown(options=options, value=value, description=field_label(attr),
                            layout=_full(), style=_style(DescriptionStyle))


def div(body: str) -> str:
    """Markup for a small HTML widget inside the builder, which sets the page's style once."""
    return f'<div class="shine">{body}</div>' if body else ""


def button(text: str, *, icon: str = "", style: str = "", tooltip: str = "") -> widgets.Button:
    """A button big enough for a finger (44 px, the usual minimum touch target). Every button
    shares one layout and one style model, as the inputs do: a plan has dozens of buttons."""
    if "button-layout" not in _shared:
        _shared["button-layout"] = widgets.Layout(min_height="44px", width="auto", min_width="44px")
        _shared["button-style"] = widgets.ButtonStyle()
    return widgets.Button(description=text, icon=icon, button_style=style, tooltip=tooltip or text,
                          layout=_shared["button-layout"], style=_shared["button-style"])


def blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def cost_text(cost: float | None) -> str:
    """A cost as its input shows it: 250, 1250.50, or nothing."""
    if cost is None:
        return ""
    return f"{cost:.0f}" if cost == int(cost) else f"{cost:.2f}"


def parse_cost(value: str) -> float | None:
    """"$1,250" -> 1250.0; "" -> None; anything else -> ValueError with a plain message."""
    text = (value or "").strip().replace(",", "").replace("$", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise ValueError(_("{field}: write an amount in dollars, like 250 or 1,200.50.").format(
            field=field_label("cost")))
    return float(text)


class Binder:
    """Writes inputs into one model; ``errors`` holds each refused field's message."""

    def __init__(self, model: BaseModel, on_change: Callable[[str], None], on_errors: Callable[[], None]):
        self.model = model
        self.on_change = on_change
        self.on_errors = on_errors
        self.errors: dict[str, str] = {}
        self.inputs: dict[str, widgets.Widget] = {}

    def bind(self, attr: str, widget: widgets.Widget, convert: Callable[[Any], Any] | None = None) -> widgets.Widget:
        self.inputs[attr] = widget

        def changed(change):
            self.write(attr, change["new"], convert)

        widget.observe(changed, names="value")
        return widget

    def write(self, attr: str, raw: Any, convert: Callable[[Any], Any] | None = None) -> None:
        try:
            setattr(self.model, attr, convert(raw) if convert else blank_to_none(raw))
        except ValidationError as exc:
            self._refuse(attr, explain(exc)[0])
            return
        except ValueError as exc:
            self._refuse(attr, str(exc))
            return
        had_error = self.errors.pop(attr, None)
        if had_error:
            self.on_errors()
        self.on_change(attr)

    def _refuse(self, attr: str, message: str) -> None:
        self.errors[attr] = message + " " + _("The last accepted version is kept.")
        self.on_errors()
