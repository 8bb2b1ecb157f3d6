/* Announcements and keyboard focus on every page (the Python side is shine/web/announce.py).

   - A widget with the class shine-live is a live region: its element stays while its text
     changes, so it is made a polite, atomic status region as soon as it appears, and every change
     of its text is announced. (A region that arrives with its own text is often not announced.)
   - New text holding an element with the class shine-focus-me takes the focus; from there the
     next Tab, Enter or Escape, or the first letter typed, takes the focus to the widget whose class
     its data-shine-return names (e.g. after "Post": the confirmation, then the text box again).
   - A focused control that a re-render removes, hides or disables hands the focus to the nearest
     heading still on the page (the new screen's title), or else to the nearest control: the
     focus never falls back to the top of the page.
   - A button with the class shine-adds adds fields to the page ("Add an activity"): once pressed,
     the focus goes to the first field of the newest part it drew, as soon as that field is shown.
   Nothing here is fetched from anywhere: the page works offline. */
(function () {
  "use strict";
  var LIVE = "shine-live";
  var FOCUS = "shine-focus-me";
  var ADDS = "shine-adds";
  var FIELDS = "input:not([type=hidden]), select, textarea";
  var HEADINGS = "h1, h2, h3, h4";
  var CONTROLS = "button, input:not([type=hidden]), select, textarea, a[href], [tabindex]:not([tabindex='-1'])";
  var WAIT_MS = 3000;  // how long a new screen may take to arrive before the nearest control is chosen

  var last = null;       // the element that had the focus
  var lastBoxes = [];    // and its ancestors then (they may leave the page with it)
  var wanted = null;     // a shine-focus-me element waiting to be shown
  var wantedUntil = 0;
  var rescueUntil = 0;   // while > 0: the focus was lost and a heading is awaited
  var adding = null;     // the shine-adds button just pressed
  var addingUntil = 0;
  var added = [];        // what the page drew since
  var addTimer = 0;      // the field is chosen once the drawing has settled

  function shown(el) {
    return !!(el && el.isConnected && el.getClientRects().length);
  }

  function usable(el) {
    return shown(el) && !el.disabled && !el.closest("[disabled], [aria-hidden=true]");
  }

  function first(box, selector) {
    var found = box.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) {
      if (usable(found[i])) return found[i];
    }
    return null;
  }

  function makeLive(el) {
    if (el.hasAttribute("aria-live")) return;
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    el.setAttribute("aria-atomic", "true");
  }

  function liveIn(node) {
    if (node.classList.contains(LIVE)) makeLive(node);
    var inside = node.getElementsByClassName(LIVE);
    for (var i = 0; i < inside.length; i++) makeLive(inside[i]);
  }

  function focusOn(el) {
    if (!el.matches(CONTROLS) && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus();
    return document.activeElement === el;
  }

  // --- focus lost to a re-render --------------------------------------------------------------

  function lost() {
    if (!last) return false;
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement && active !== last) return false;
    return !last.isConnected || last.disabled || !shown(last);
  }

  function rescue() {
    if (!lost()) {
      rescueUntil = 0;
      return;
    }
    var now = Date.now();
    if (!rescueUntil) rescueUntil = now + WAIT_MS;
    var i, box, target;
    for (i = 0; i < lastBoxes.length; i++) {
      box = lastBoxes[i];
      if (!box.isConnected) continue;
      target = first(box, "." + FOCUS) || first(box, HEADINGS);
      if (target) break;
      if (box.classList.contains("jp-OutputArea-output")) break;  // never beyond the widget's own cell
    }
    if (!target && now >= rescueUntil) {
      for (i = 0; i < lastBoxes.length && !target; i++) {
        if (lastBoxes[i].isConnected) target = first(lastBoxes[i], CONTROLS);
      }
    }
    if (target) {
      rescueUntil = 0;
      focusOn(target);
    } else if (now < rescueUntil) {
      setTimeout(rescue, 200);
    } else {
      rescueUntil = 0;
    }
  }

  // --- focus asked for by new text ------------------------------------------------------------

  function placeWanted() {
    if (!wanted) return;
    if (!wanted.isConnected || Date.now() > wantedUntil) {
      wanted = null;
    } else if (shown(wanted)) {
      var el = wanted;
      wanted = null;
      focusOn(el);
    }
  }

  function placeAdded() {
    if (!adding) return;
    if (Date.now() > addingUntil || document.activeElement !== adding) {
      adding = null;
      added = [];
      return;
    }
    // The parts drawn (not those drawn inside them), newest first: a list drawn again ends with its
    // new row; in that part, the first field.
    var parts = added.filter(function (node) {
      return node.isConnected && !added.some(function (other) { return other !== node && other.contains(node); });
    });
    for (var i = parts.length - 1; i >= 0; i--) {
      var field = parts[i].matches(FIELDS) ? parts[i] : first(parts[i], FIELDS);
      if (field && usable(field)) {
        adding = null;
        added = [];
        focusOn(field);
        return;
      }
    }
  }

  function pressed(el) {
    var add = el instanceof Element && el.closest("." + ADDS);
    if (add && !add.disabled) {
      adding = add;
      addingUntil = Date.now() + WAIT_MS;
      added = [];
    }
  }

  document.addEventListener("click", function (event) { pressed(event.target); }, true);

  function home(from, name) {
    for (var box = from.parentElement; box; box = box.parentElement) {
      var found = box.getElementsByClassName(name)[0];
      if (found) return found.matches(CONTROLS) ? found : first(found, CONTROLS);
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") pressed(event.target);
    var from = event.target;
    if (!(from instanceof Element) || !from.classList.contains(FOCUS)) return;
    var name = from.getAttribute("data-shine-return");
    var typing = event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
    var leaving = (event.key === "Tab" && !event.shiftKey) || event.key === "Enter" || event.key === "Escape";
    var target = name && (typing || leaving) ? home(from, name) : null;
    if (!target) return;
    if (leaving) event.preventDefault();  // a letter typed goes on into the text box
    focusOn(target);
  }, true);

  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) return;
    last = el;
    lastBoxes = [];
    for (var box = el.parentElement; box && box !== document.body; box = box.parentElement) lastBoxes.push(box);
    rescueUntil = 0;
  });

  function changed(records) {
    for (var r = 0; r < records.length; r++) {
      var record = records[r];
      if (record.type === "attributes") {
        if (record.attributeName === "class" && record.target.classList.contains(LIVE)) makeLive(record.target);
        continue;
      }
      // An HTML widget's text is replaced: a shine-focus-me in the new text asks for the focus.
      // (A widget drawn for the first time gets its text before it is in the page: no focus taken.)
      var inText = record.target.closest && record.target.closest(".widget-html-content");
      for (var n = 0; n < record.addedNodes.length; n++) {
        var node = record.addedNodes[n];
        if (node.nodeType !== 1) continue;
        liveIn(node);
        if (adding && !inText) added.push(node);
        if (inText) {
          var marker = node.classList.contains(FOCUS) ? node : node.getElementsByClassName(FOCUS)[0];
          if (marker) {
            wanted = marker;
            wantedUntil = Date.now() + WAIT_MS;
          }
        }
      }
    }
    placeWanted();
    if (adding) {
      clearTimeout(addTimer);
      addTimer = setTimeout(placeAdded, 150);
    }
    if (!rescueUntil) rescue();
  }

  function start() {
    liveIn(document.body);
    new MutationObserver(changed).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["class", "disabled", "style"]
    });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
