"""The kiosk's stylesheet: one column for a phone 360 px wide, big touch targets (at least 44 px),
text that wraps instead of being cut. The kiosk page draws it as part of the page
(:func:`shine.room.widgets.kiosk.kiosk_page`), before the widgets arrive."""

from shine.web.html import PAGE_CSS

CSS = PAGE_CSS + """
<style>
.shine-kiosk { --jp-widgets-inline-height: 2.8rem; /* every field, drop-down and button: 44 px or more */
               max-width: 36rem; width: 100%; box-sizing: border-box;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; }
.shine-kiosk .widget-html-content, .shine-kiosk .widget-label { font-size: 1.1rem; line-height: 1.45; }
.shine-kiosk h2 { font-size: 1.5rem; margin: 0.3rem 0 0.4rem; }
.shine-kiosk button, .shine-kiosk input, .shine-kiosk select, .shine-kiosk textarea { font-size: 1.15rem !important; }
.shine-kiosk .widget-text, .shine-kiosk .widget-textarea, .shine-kiosk .widget-dropdown, .shine-kiosk .shine-wide {
    width: auto !important; max-width: 100%; box-sizing: border-box; margin-left: 0; margin-right: 0; }
.shine-kiosk button { min-height: 3rem; }
.shine-kiosk input, .shine-kiosk select { min-height: 2.8rem; }
.shine-kiosk textarea { min-height: 7rem; }
.shine-kiosk .widget-toggle-buttons .widget-toggle-button, .shine-kiosk .shine-wrap button { min-height: 3rem;
    margin: 0.15rem; width: auto !important; padding: 0 0.9rem; }
/* Button colours with at least 4.5:1 contrast in every state (JupyterLab's green is 4.1:1 on hover). */
.shine-kiosk button.mod-success, .shine-kiosk button.mod-success:hover, .shine-kiosk button.mod-success:active,
.shine-kiosk button.mod-success:focus { background: #1b5e20; color: #fff; }
.shine-kiosk button.mod-primary, .shine-kiosk button.mod-primary:hover, .shine-kiosk button.mod-primary:active,
.shine-kiosk button.mod-primary:focus { background: #0d47a1; color: #fff; }
.shine-kiosk button:focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
.shine-kiosk button.mod-active { background: #1864ab; color: #fff; font-weight: 700; }
.shine-kiosk .shine-wrap, .shine-kiosk .widget-toggle-buttons { display: flex; flex-wrap: wrap; }
.shine-kiosk .shine-ok { background: #e6f4ea; border-left: 6px solid #2b8a3e; padding: 0.5rem 0.8rem; }
.shine-kiosk .shine-problem { background: #fff4e5; border-left: 6px solid #c2410c; padding: 0.5rem 0.8rem; }
.shine-kiosk .shine-other { border-bottom: 1px solid #d9e2ec; padding: 0.3rem 0; overflow-wrap: anywhere; }
.shine-kiosk .shine-kind { font-weight: 600; }
/* Every field's label (its description) sits above it, full width: read first, never squeezed. */
.shine-kiosk .widget-inline-hbox { flex-wrap: wrap; }
.shine-kiosk .widget-inline-hbox > .widget-label { width: 100% !important; max-width: 100%; text-align: left;
    margin: 0.2rem 0; font-weight: 600; white-space: normal; overflow: visible; }
.shine-kiosk .shine-language { width: auto !important; min-height: 2.75rem; align-self: flex-end; margin: 0 0 0.3rem; }
</style>
"""
