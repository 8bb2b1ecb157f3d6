"""Small HTML builders for widgets. Every piece of text passes through :func:`esc` here, so
content and user text always show as text, never as markup."""

from __future__ import annotations

import html
from typing import Iterable

# Page-wide rules every page of ours carries (in STYLE and in each dashboard's stylesheet): focus
# is always visible, and the tab labels JupyterLab draws pale reach 4.5:1. (Voila's scrolling cell
# area is made reachable by keyboard in our page template, shine/web/voila/templates/shine.)
PAGE_CSS = """
<style>
:focus-visible, html .jupyter-widgets :is(input, select, textarea):focus-visible { outline: 3px solid #b45309 !important; outline-offset: 2px; }
/* Button colours with white text at 4.5:1 or better in every state (JupyterLab's are not all). */
.jupyter-button.mod-primary, .jupyter-button.mod-primary:hover, .jupyter-button.mod-primary:active { background: #0d47a1; color: #fff; }
.jupyter-button.mod-success, .jupyter-button.mod-success:hover, .jupyter-button.mod-success:active { background: #1b5e20; color: #fff; }
.jupyter-button.mod-info, .jupyter-button.mod-info:hover, .jupyter-button.mod-info:active { background: #01579b; color: #fff; }
.jupyter-button.mod-warning, .jupyter-button.mod-warning:hover, .jupyter-button.mod-warning:active { background: #7c3d00; color: #fff; }
.jupyter-button.mod-danger, .jupyter-button.mod-danger:hover, .jupyter-button.mod-danger:active { background: #b71c1c; color: #fff; }
/* Links are told apart from text by more than colour (WCAG 1.4.1), and dark enough to read. */
.jp-RenderedHTMLCommon a, .jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited, .widget-html-content a { text-decoration: underline !important; color: #0b4f8a !important; }
.lm-TabBar-tab, .lm-TabBar-tabLabel, .jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab { color: #1f2933 !important; }
.jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab.lm-mod-current { font-weight: 700; }
</style>
"""

STYLE = PAGE_CSS + """
<style>
.shine { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px;
         line-height: 1.5; color: #1f2933; max-width: 60rem; }
.shine h2 { font-size: 1.6rem; margin: 0.2rem 0 0.6rem; }
.shine h3 { font-size: 1.15rem; margin: 1rem 0 0.3rem; }
.shine .shine-meta { color: #52606d; font-size: 1rem; }
.shine .shine-box { border-left: 5px solid #1c7ed6; background: #f1f7fd; padding: 0.6rem 1rem;
                    margin: 0.6rem 0; border-radius: 4px; }
.shine .shine-quote { font-size: 1.15rem; font-style: italic; }
.shine .shine-note { border-left-color: #f08c00; background: #fff8eb; }
.shine table { border-collapse: collapse; max-width: 100%; }
.shine td, .shine th { overflow-wrap: break-word; }
.shine td, .shine th { padding: 0.3rem 0.7rem; border-bottom: 1px solid #d9e2ec; text-align: left;
                       vertical-align: top; }
</style>
"""


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def bullets(items: Iterable[object]) -> str:
    items = list(items)
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def section(title: str, body_html: str) -> str:
    return f"<h3>{esc(title)}</h3>{body_html}" if body_html else ""


def page(body_html: str) -> str:
    return f'{STYLE}<div class="shine">{body_html}</div>'


def callout(body_html: str, tone: str = "info") -> str:
    """A boxed message (``tone``: info, good, grow or note). Callers put the meaning in words,
    e.g. "Well spotted", so colour is never the only signal. ``body_html`` must be escaped."""
    border, background = {"good": ("#2b8a3e", "#ebfbee"), "grow": ("#e67700", "#fff9db"),
                          "note": ("#f08c00", "#fff8eb")}.get(tone, ("#1c7ed6", "#f1f7fd"))
    return (f'<div class="shine-box shine-{esc(tone)}" style="border-left-color:{border};'
            f'background:{background}">{body_html}</div>')
