"""Where a page's time goes, read from the browser's own clock: the blank notebook and the kiosk,
opened in Chromium as in ``kiosk_ready``, each from navigation start (milliseconds, medians):

* ``html``: the page's HTML has arrived (``responseEnd``);
* ``app``: Voila's front end has started and shows the cells (``#rendered_cells`` visible): the
  blank notebook is ready here;
* ``ws_open``: the kernel's websocket is open (the widget manager's connection);
* ``kernel_info``: the kernel has answered ``kernel_info_request``;
* ``states``: the widget states have arrived (ipywidgets' ``update_states`` reply on its control
  comm), with the size of that message;
* ``widget``: the first widget is in the page; ``ready``: the kiosk's code box can be typed in.

Also counted: the requests made after the front end started (code or styles loaded only for
widgets), and how many widgets the page shows (``models``).
"""

from __future__ import annotations

from .common import KIOSK_READY, close_tab, median
from .ready import measured_pages

PROBE = """
(() => {
  const t = () => performance.now();
  const marks = window.__shineMarks = {models: 0, states_bytes: 0};
  const once = (name) => { if (!(name in marks)) marks[name] = t(); };
  const visible = (el) => el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
  const readySel = %s;
  new MutationObserver(() => {
    if (visible(document.querySelector('#rendered_cells'))) once('app');
    if (document.querySelector('.jupyter-widgets')) once('widget');
    const r = document.querySelector(readySel);
    if (visible(r) && !r.disabled) once('ready');
  }).observe(document, {subtree: true, childList: true, attributes: true});
  const decoder = new TextDecoder();
  const text = (data) => typeof data === 'string' ? data : decoder.decode(new Uint8Array(data));
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes('/channels')) return;
      this.addEventListener('open', () => once('ws_open'));
      this.addEventListener('message', (event) => {
        const body = text(event.data);
        const type = (body.match(/"msg_type":\\s*"([a-z_]+)"/) || [])[1];
        if (type === 'kernel_info_reply') once('kernel_info');
        if (type === 'comm_msg' && body.includes('"update_states"')) {
          once('states');
          marks.states_bytes = body.length;
        }
      });
    }
  };
})();
"""


def _open(browser, url: str, selector: str) -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.add_init_script(PROBE % repr(selector))
    page.goto(url, wait_until="commit")
    page.wait_for_function("'ready' in window.__shineMarks || ('app' in window.__shineMarks && %s)"
                           % ("false" if selector == KIOSK_READY else "true"), timeout=60_000, polling=50)
    page.wait_for_timeout(300)  # late requests and messages
    marks = page.evaluate("""() => {
      const m = Object.assign({}, window.__shineMarks);
      const nav = performance.getEntriesByType('navigation')[0];
      m.html = nav.responseEnd;
      const later = performance.getEntriesByType('resource').filter(r => r.startTime >= (m.app || 0)
                                                                    && !r.name.includes('/api/'));
      m.late_requests = later.length;
      m.late_kib = Math.round(later.reduce((s, r) => s + (r.encodedBodySize || 0), 0) / 1024);
      m.models = document.querySelectorAll('.jupyter-widgets').length;
      return m;
    }""")
    close_tab(page, context)
    return marks


def kiosk_timeline(runs: int = 5) -> dict:
    seen = measured_pages(runs, _open)
    def medians(rows: list[dict]) -> dict:
        keys = sorted({k for r in rows for k in r})
        return {k: round(median([r[k] for r in rows if k in r]), 1) for k in keys}

    result = {"runs": runs, "blank_ms": medians(seen["blank"]), "kiosk_ms": medians(seen["kiosk"])}
    kiosk = result["kiosk_ms"]
    order = ["html", "app", "ws_open", "kernel_info", "states", "widget", "ready"]
    steps = [k for k in order if k in kiosk]
    result["kiosk_steps_ms"] = {f"{a}->{b}": round(kiosk[b] - kiosk[a], 1) for a, b in zip(steps, steps[1:])}
    result["ok"] = True  # a breakdown, not a target
    return result
