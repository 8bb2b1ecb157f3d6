"""Print mode: every ipywidget shows itself as static HTML, so a module executed for a handout
prints its menus as lists of choices, each with an empty box to tick (never a choice made for the
reader), its text boxes as space to write in, and its charts as images. ``install()`` is run by
``shine.kit.handouts`` in the kernel before the notebook's cells."""

from __future__ import annotations

import base64

from shine import upstream
from shine.i18n import _
from shine.web.html import esc

CHOICE_WIDGETS = ("Dropdown", "Select", "RadioButtons", "ToggleButtons", "SelectMultiple", "SelectionSlider")
TEXT_WIDGETS = ("Text", "Textarea", "Combobox")
SKIP_WIDGETS = ("Button", "Play", "FileUpload", "ColorPicker")


def _label(w) -> str:
    text = getattr(w, "description", "") or ""
    return f"<p><strong>{esc(text)}</strong></p>" if text else ""


def _output_html(outputs) -> str:
    parts = []
    for out in outputs:
        data = out.get("data", {})
        if "image/png" in data:
            alt = (data.get("text/plain") or "").strip("'\"")
            parts.append(f'<img alt="{esc(alt)}" style="max-width:100%" src="data:image/png;base64,{data["image/png"]}">')
        elif "text/html" in data:
            parts.append(data["text/html"])
        elif "text/plain" in data:
            parts.append(f"<pre>{esc(data['text/plain'])}</pre>")
        elif out.get("output_type") == "stream":
            parts.append(f"<pre>{esc(out.get('text', ''))}</pre>")
    return "".join(parts)


def static_html(w) -> str:
    """A print-friendly rendering of a widget and everything inside it."""
    kind = type(w).__name__
    if kind in ("HTML", "HTMLMath"):
        return w.value  # our components escape user text before it reaches an HTML widget
    if kind == "Label":
        return f"<p>{esc(w.value)}</p>"
    if kind in SKIP_WIDGETS:
        return ""
    if kind == "Image":
        data = base64.b64encode(bytes(w.value)).decode()
        return f'<img style="max-width:100%" src="data:image/{esc(w.format)};base64,{data}">'
    if kind == "Output":
        return _output_html(w.outputs)
    if kind in CHOICE_WIDGETS:
        # Every box empty: a menu's first or default choice is not the reader's answer on paper.
        options = upstream.choice_labels(w)
        items = "".join(f"<li>&#9744; {esc(opt)}</li>" for opt in options if opt not in ("", _("Choose...")))
        return f'<div class="shine-print-choice">{_label(w)}<ul style="list-style:none">{items}</ul></div>'
    if kind in TEXT_WIDGETS:
        lines = 4 if kind == "Textarea" else 1
        filled = esc(w.value) if w.value else "&nbsp;"
        return (f'{_label(w)}<div style="border:1px solid #888;min-height:{1.6 * lines}em;padding:0.3em">'
                f"{filled}</div>")
    if kind == "Checkbox":
        return f"<p>&#9744; {esc(w.description)}</p>"
    if hasattr(w, "value") and kind.endswith(("Slider", "Text", "Progress")):
        return f"<p>{esc(getattr(w, 'description', ''))} {esc(w.value)}</p>"
    children = getattr(w, "children", ())
    titles = list(getattr(w, "titles", ()) or ())
    parts = []
    for i, child in enumerate(children):
        if i < len(titles) and titles[i]:
            parts.append(f"<h4>{esc(titles[i])}</h4>")
        parts.append(static_html(child))
    return "".join(parts)


def install() -> None:
    """From now on, widgets displayed in this kernel render as static HTML."""
    upstream.render_widgets_with(static_html)
