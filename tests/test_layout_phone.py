"""Every page at a phone's size (360x740), and some at 200% zoom on a 1280x800 laptop (a 640 CSS px
viewport at device scale 2, WCAG 1.4.10 reflow), measured in Chromium by a check that runs in
the page: no widget box clipped by its parent or overlapping a sibling, no button or label text
cut, tap targets of at least 24x24 CSS px (44 on the kiosk), body text of at least 16 px, and
nothing wider than the screen. The wall is also checked on a 1920x1080 projector. Screenshots
go to test-artifacts/layout/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import words
from test_workshop_e2e import PAGE_TIMEOUT_MS, free_port, start_workshop, stop_workshop



PHONE = {"width": 360, "height": 740}
ZOOM = {"width": 640, "height": 400, "deviceScaleFactor": 2, "mobile": False}  # 1280x800 at 200%
TABLET = {"width": 768, "height": 1024}
PROJECTOR = {"width": 1920, "height": 1080}

# The check. Returns a list of findings, each "what: where (numbers)".
LAYOUT_CHECK = r"""
(opts) => {
  const found = [];
  const say = (what, el, extra) => {
    const cls = (el.className && el.className.baseVal === undefined ? el.className : "").toString()
      .split(/\s+/).filter(c => c && !c.startsWith("lm-") && !c.startsWith("p-")).slice(0, 3).join(".");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40);
    found.push(`${what}: ${el.tagName.toLowerCase()}${cls ? "." + cls : ""} "${text}" ${extra || ""}`.trim());
  };
  const shown = el => {
    const r = el.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2) return false;  // nothing, or text for screen readers only
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden" || s.opacity === "0") return false;
    }
    return true;
  };
  const px = v => Math.round(v);
  // Voila's page frame: the cell area scrolls inside it (sideways scrolling is checked below).
  const scrollers = new Set([document.documentElement, document.body,
    ...["main", "jp-main-content-panel", "rendered_cells"].map(id => document.getElementById(id))]);

  // 1. Clipped: a widget box or control that leaves an ancestor which hides its overflow (either
  //    direction) or scrolls it sideways. Vertical scrolling regions (lists) are allowed.
  const boxes = [...document.querySelectorAll(
    ".jupyter-widgets, button, input, select, textarea, img, .widget-html-content > *")].filter(shown);
  for (const el of boxes) {
    const r = el.getBoundingClientRect();
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      const hidesX = s.overflowX !== "visible" && !scrollers.has(p);
      const hidesY = (s.overflowY === "hidden" || s.overflowY === "clip") && !scrollers.has(p);
      if (!hidesX && !hidesY) continue;
      const q = p.getBoundingClientRect();
      const left = q.left + p.clientLeft, right = left + p.clientWidth;
      const top = q.top + p.clientTop, bottom = top + p.clientHeight;
      const outX = hidesX && (r.left < left - 1 || r.right > right + 1);
      const outY = hidesY && (r.top < top - 1 || r.bottom > bottom + 1);
      if (outX || outY) {
        say("clipped", el, `(${px(r.left)}-${px(r.right)} x ${px(r.top)}-${px(r.bottom)} in ${px(left)}-${px(right)} x ${px(top)}-${px(bottom)})`);
        break;
      }
    }
  }
  // Text cut short inside a button, a label or a tab (an ellipsis), or a drop-down's choice.
  for (const el of document.querySelectorAll("button, .widget-label, .widget-label-basic, .lm-TabBar-tabLabel")) {
    if (shown(el) && el.scrollWidth > el.clientWidth + 1) say("text cut", el, `(${el.scrollWidth} > ${el.clientWidth})`);
  }
  const ruler = document.createElement("canvas").getContext("2d");
  for (const el of document.querySelectorAll("select:not([multiple]):not([size])")) {
    if (!shown(el) || el.selectedIndex < 0) continue;
    const s = getComputedStyle(el);
    ruler.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const need = ruler.measureText(el.options[el.selectedIndex].text).width;
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    // A choice longer than the screen is wide is cut in any drop-down; one that takes the whole
    // row it is in has done what it can (the list it opens shows the choices whole).
    const row = el.closest(".widget-dropdown") ? el.closest(".widget-dropdown").parentElement : el.parentElement;
    const whole = el.getBoundingClientRect().width >= 0.9 * row.clientWidth;
    if (need > room + 2 && !whole) say("text cut", el, `(${px(need)} > ${px(room)})`);
  }
  // A number box shows its whole value (with room for a few more digits than it holds).
  for (const el of document.querySelectorAll("input[type=number]")) {
    if (!shown(el)) continue;
    const s = getComputedStyle(el);
    ruler.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const need = ruler.measureText((el.value || "0") + "000").width;
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 16;  // the spinner
    if (need > room) say("number cut", el, `(${px(need)} > ${px(room)})`);
  }
  // A list (a select showing several choices): each choice shows whole, on as many lines as it needs.
  for (const el of document.querySelectorAll("select[multiple], select[size]")) {
    if (!shown(el) || el.size < 2) continue;
    for (const option of el.options) {
      const s = getComputedStyle(option);
      ruler.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const r = option.getBoundingClientRect();
      const inner = r.height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
      const lines = Math.max(1, Math.round(inner / (parseFloat(s.fontSize) * 1.15)));
      if (ruler.measureText(option.text).width > lines * (option.clientWidth || el.clientWidth) + 2) {
        say("text cut", option, `(${px(ruler.measureText(option.text).width)} > ${lines} x ${px(option.clientWidth)})`);
      }
    }
  }

  // A word broken over lines (a squeezed column: "Dis / tric / t"); long addresses may break.
  const broken = new Set();
  for (const el of document.querySelectorAll("td, th, li, p, h1, h2, h3, h4, label, button, .widget-label, .lm-TabBar-tabLabel")) {
    if (broken.has(el) || !shown(el)) continue;
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      for (const m of node.textContent.matchAll(/[^\s\u00a0\-\/]{3,20}/g)) {  // lines may break at - and /
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) { broken.add(el); say("word broken over lines", el, `("${m[0]}")`); break; }
      }
      if (broken.has(el)) break;
    }
  }

  // 2. Overlapping: two boxes side by side in one parent that cover each other (a control
  //    sticking out of its own box counts with the box).
  const extent = el => {
    let r = el.getBoundingClientRect(), box = {l: r.left, r: r.right, t: r.top, b: r.bottom};
    for (const c of el.querySelectorAll("button, input, select, textarea")) {
      if (!shown(c)) continue;
      const q = c.getBoundingClientRect();
      box = {l: Math.min(box.l, q.left), r: Math.max(box.r, q.right), t: Math.min(box.t, q.top), b: Math.max(box.b, q.bottom)};
    }
    return box;
  };
  const parents = new Set([...document.querySelectorAll(".jupyter-widgets")].filter(shown).map(e => e.parentElement));
  for (const p of parents) {
    const kids = [...p.children].filter(k => shown(k) && !["absolute", "fixed"].includes(getComputedStyle(k).position));
    const ext = kids.map(extent);
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      const a = ext[i], b = ext[j];
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 2 && h > 2) say("overlaps the next box", kids[i], `(by ${px(w)}x${px(h)} px)`);
    }
  }

  // 3. Tap targets. Links inside a sentence are exempt (WCAG 2.5.8), as the browser's own
  //    controls of a text area are.
  const targets = "button, input:not([type=hidden]), select, textarea, a[href], [role=tab], .lm-TabBar-tab";
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el)) continue;
    if (el.tagName === "A" && el.parentElement.innerText.trim().length > el.innerText.trim().length) continue;
    const r = el.getBoundingClientRect();
    const min = opts.target;
    if (r.width < min - 0.5 || r.height < min - 0.5) say(`tap target under ${min}px`, el, `(${px(r.width)}x${px(r.height)})`);
  }

  // 4. Body text of at least 16 px.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const small = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || small.has(el) || ["SCRIPT", "STYLE", "TITLE", "OPTION"].includes(el.tagName)) continue;
    if (el.closest("svg, .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt, noscript, #loading")) continue;
    if (parseFloat(getComputedStyle(el).fontSize) < opts.text - 0.2 && shown(el)) {
      small.add(el);
      say(`text under ${opts.text}px`, el, `(${getComputedStyle(el).fontSize})`);
    }
  }

  // 5. Nothing scrolls sideways: the page, or Voila's cell area that scrolls inside it.
  const cells = document.getElementById("rendered_cells");
  for (const el of [document.documentElement, cells].filter(Boolean)) {
    if (el.scrollWidth > el.clientWidth + 1) say("scrolls sideways", el, `(${el.scrollWidth} > ${el.clientWidth})`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth) say("wider than the screen", document.documentElement, "");
  return [...new Set(found)];
}
"""


def page_height(page) -> int:
    return int(page.evaluate("Math.max(document.documentElement.scrollHeight,"
                             " (document.getElementById('rendered_cells') || document.body).scrollHeight)"))


def check(page, where: str, artifacts: Path, *, target: int = 24, text: int = 16) -> list[str]:
    """Run the layout check on the page as it is now; the screenshot and the findings go to
    test-artifacts/layout/<where>.png and .json. Returns the findings (prefixed by ``where``)."""
    page.wait_for_timeout(150)  # the layout settles (fonts, a re-render after a resize)
    found = page.evaluate(LAYOUT_CHECK, {"target": target, "text": text})
    (artifacts / f"{where}.json").write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
    size = page.viewport_size
    tall = min(page_height(page), 12_000)
    if tall > size["height"]:  # Voila's cell area scrolls inside the page: show all of it
        page.set_viewport_size({"width": size["width"], "height": tall})
    page.screenshot(path=str(artifacts / f"{where}.png"), full_page=True)
    page.set_viewport_size(size)
    return [f"{where}: {f}" for f in found]


def zoomed(page, where: str, artifacts: Path, **kw) -> list[str]:
    """The same check at 200% zoom on a 1280x800 screen (640x400 CSS px at device scale 2)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setDeviceMetricsOverride", ZOOM)
    try:
        return check(page, where + "-zoom200", artifacts, **kw)
    finally:
        cdp.send("Emulation.clearDeviceMetricsOverride")
        cdp.detach()


@pytest.fixture(scope="module")
def artifacts(artifacts_dir) -> Path:
    folder = artifacts_dir / "layout"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def phone(new_page):
    return new_page(**PHONE)


# --- the learner modules: checked by tests/test_modules_pages.py (phone_layout_ok) on the page it has
# already opened and used, so each module page is loaded once for axe and for the layout.


def phone_layout_ok(page, where: str, artifacts_dir: Path, *, zoom: bool = False) -> None:
    """The layout check at 360x740 on a page as it is now (and at 200% zoom with ``zoom``); the
    viewport is put back afterwards."""
    folder = artifacts_dir / "layout"
    folder.mkdir(exist_ok=True)
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        found = check(page, where, folder)
        if zoom:
            found += zoomed(page, where, folder)
    finally:
        if before:
            page.set_viewport_size(before)
    assert not found, "\n".join(found)


# --- the live session's pages (one workshop) ------------------------------------------------------------

POSTS = [("challenge", "Many families work nights, so evening events miss them 🌙", "Cutler Middle School"),
         ("practice", "نريد لقاءات في الصباح للعائلات", "مدرسة الأمل 12"),
         ("milestone", "First family math night: 40 families came 🎉", "Claude Chester Elementary"),
         ("question", "Home visits in Spanish and Portuguese, with a family liaison from each community", None)]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("layout-room"), free_port(),
                             "--name", "Groton regional family engagement meeting")
    with running.store() as store:
        store.teams.ensure("Groton", "Cutler Middle School")
    yield running
    stop_workshop(running)


def add_posts(room, posts) -> int:
    """Post as teams do at the kiosk; returns how many posts the workshop has now."""
    with room.store() as store:
        workshop_id = next(w.id for w in store.room.workshops() if w.code == room.code)
        for n, (kind, body, school) in enumerate(posts):
            team = store.teams.ensure("Groton", school) if school else None
            store.room.add_post(workshop_id, kind, body, f"layout-{kind}-{n}-{len(body)}",
                                team_id=team.id if team else None)
        return store.room.count_posts(workshop_id)


@pytest.mark.browser
def test_every_kiosk_screen_fits_a_phone_with_44px_targets(room, phone, artifacts):
    page = phone
    page.goto(room.url("kiosk"))
    page.wait_for_selector(".shine-kiosk h2", timeout=PAGE_TIMEOUT_MS)
    served = page.evaluate("[...document.styleSheets].filter(s => (s.href || '').includes('/shine/static/shine.css'))"
                           ".map(s => s.cssRules.length)")
    assert served and served[0] > 20, "Voila serves the shared stylesheet from the page template"
    found = check(page, "kiosk-join", artifacts, target=44)
    page.locator(".shine-kiosk input").first.fill(room.code)
    page.locator(".shine-kiosk").get_by_role("button", name="Join", exact=True).click()
    page.wait_for_selector(".shine-kiosk select", timeout=30_000)
    found += check(page, "kiosk-school", artifacts, target=44)
    page.select_option(".shine-kiosk select", label="My school is not in the list")
    page.wait_for_selector(".shine-kiosk .widget-text input >> nth=1", timeout=20_000)
    found += check(page, "kiosk-new-school", artifacts, target=44)
    fields = page.locator(".shine-kiosk .widget-text input")
    fields.nth(0).fill("Groton")
    fields.nth(1).fill("Mary Morrisson Elementary School of the Arts and Sciences")
    page.locator(".shine-kiosk").get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_selector(".shine-kiosk textarea", timeout=30_000)
    found += check(page, "kiosk-post", artifacts, target=44)
    found += zoomed(page, "kiosk-post", artifacts, target=44)
    page.locator(".shine-kiosk").get_by_role("button", name="Challenge", exact=True).click()
    page.fill(".shine-kiosk textarea", "Evening events miss families who work nights 🌙")
    page.locator(".shine-kiosk").get_by_role("button", name="Post", exact=True).click()
    page.wait_for_function("document.querySelector('.shine-kiosk textarea').value === ''", timeout=30_000)
    found += check(page, "kiosk-posted", artifacts, target=44)
    assert not found, "\n".join(found)


@pytest.mark.browser
def test_the_wall_fits_a_phone_and_a_projector(room, new_page, artifacts):
    count = add_posts(room, POSTS)
    page = new_page(**PHONE)
    page.goto(room.url("wall"))
    page.wait_for_selector(f".shine-wall-count[data-count='{count}']", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector(".shine-wall img.shine-chart", timeout=30_000)
    found = check(page, "wall", artifacts)
    assert not found, "\n".join(found)

    # On the projector: the newest post readable from the back of the room, and the join code
    # and the QR code on the first screen, no scrolling.
    page.set_viewport_size(PROJECTOR)
    page.wait_for_timeout(300)
    newest = page.locator(".shine-tile").first
    assert "family liaison" in newest.inner_text()
    size = float(newest.locator(".shine-body").evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    assert size >= 28, f"the newest post is {size}px on the projector"
    for what in (".shine-code", ".shine-wall [role=img] svg"):
        box = page.locator(what).first.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], (what, box)
    page.screenshot(path=str(artifacts / "wall-projector.png"))

    # Right-to-left text in its own direction, names isolated so they do not move what is around them.
    arabic = page.locator(".shine-tile", has_text="نريد")
    assert arabic.locator(".shine-body").get_attribute("dir") == "auto"
    assert arabic.locator(".shine-body").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert arabic.locator("bdi", has_text="مدرسة الأمل 12").count() == 1
    # An emoji a participant typed shows in colour (the colour-emoji font is installed).
    import io

    from PIL import Image
    tile = Image.open(io.BytesIO(page.locator(".shine-tile", has_text="Many families work nights").screenshot())).convert("RGB")
    channels = [band.tobytes() for band in tile.split()]
    coloured = sum(1 for r, g, b in zip(*channels) if max(r, g, b) - min(r, g, b) > 80)
    assert coloured > 30, "the emoji is drawn in colour"

    # New posts are announced politely, once, when the count grows, not on every poll.
    news = page.locator(".shine-wall-news")
    assert news.get_attribute("class") and "shine-live" in news.get_attribute("class")
    before = news.text_content()
    page.wait_for_timeout(1500)  # several polls, nothing new
    assert news.text_content() == before
    count = add_posts(room, [("practice", "A welcome table in three languages", None),
                             ("practice", "Translate the newsletter", None)])
    page.wait_for_selector(f".shine-wall-count[data-count='{count}']", timeout=30_000)
    page.wait_for_function("document.querySelector('.shine-wall-news').textContent.includes('2 new posts')",
                           timeout=10_000)
    page.wait_for_timeout(1500)  # more polls: still the same words, not said again
    assert words(news.text_content()) == "2 new posts"
    assert news.get_attribute("aria-live") == "polite"  # made a live region by the page's script


@pytest.mark.browser
def test_the_console_fits_a_phone_a_tablet_and_200_percent(room, new_page, artifacts):
    page = new_page(**PHONE)
    page.goto(room.url("console"))
    page.wait_for_selector(".shine-console input", timeout=PAGE_TIMEOUT_MS)
    found = check(page, "console-locked", artifacts)
    page.locator(".shine-console input").fill(room.key)
    page.locator(".shine-console button").first.click()
    page.wait_for_selector(".shine-console .shine-timer, .shine-console h3", timeout=30_000)
    found += check(page, "console-open", artifacts)
    tall = page_height(page)
    assert tall < 4000, f"the console is {tall}px tall on a phone"
    found += zoomed(page, "console-open", artifacts)
    page.set_viewport_size(TABLET)
    found += check(page, "console-tablet", artifacts)
    assert not found, "\n".join(found)


@pytest.mark.browser
def test_the_mini_visit_tracker_fits_a_phone(room, new_page, artifacts):
    page = new_page(**PHONE)
    page.goto(room.url("mini-visits"))
    page.wait_for_selector(".shine-key-gate input", timeout=PAGE_TIMEOUT_MS)
    page.locator(".shine-key-gate input").fill(room.key)
    page.locator(".shine-key-gate button").first.click()
    page.wait_for_selector(".shine-mini-visits", timeout=30_000)
    found = []
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        found += check(page, f"tracker-tab{i}", artifacts)
    assert not found, "\n".join(found)
