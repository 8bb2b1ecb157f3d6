"""Drafts: what a participant typed on a page survives the switch to the page in another language.

A module page links to itself in every language (:func:`shine.lessons.header.languages_html`).
Following such a link loads a new page with a kernel of its own, so without help every text box,
menu, toggle and number box would start empty again. Under Voila the module's header (the first
cell of every module) starts one :class:`DraftKeeper` for its page, with :func:`keep_page`; in
JupyterLab nothing happens (the kernel lives on and no page is reloaded).

Saving:

- The keeper has an unguessable token (``secrets.token_urlsafe``) that the language links carry:
  ``es/01-definition.ipynb?keep=<token>``.
- After every cell (IPython's ``post_run_cell`` event) it takes the value widgets that cell
  created, in creation order (ipywidgets keeps every live widget in the order it was made), and
  names each by the cell's number, its place among that cell's value widgets and its class:
  ``4.0.Dropdown``. Both languages run the same code cells on the same content ids, so a name
  means the same widget on both pages. Widgets that only show things (HTML, labels, images), file
  uploads and password boxes are not kept.
- Every change of such a widget's value (the participant's, and the lesson's own in answer) is
  written to the page's draft, ``<shine home>/drafts/<token>.json``: JSON, written whole to a
  temporary file that is then renamed over the draft, readable by the server's account only (file
  0600, folder 0700). Only plain values are kept: text, whole and decimal numbers, true/false,
  nothing, and lists of these. A value longer than :data:`MAX_VALUE_CHARS` (a huge paste) is left
  out, and so is a change that would make the draft bigger than :data:`MAX_DRAFT_BYTES`. Drafts
  older than :data:`MAX_AGE_S` (a day) are removed whenever a keeper starts.

Restoring:

- A page opened with ``?keep=<token>`` reads that draft. The token must match :data:`TOKEN`
  exactly (so no address can name another file), and the draft must be this module's.
- After each cell it sets the saved values on the widgets that cell created, as a participant
  would, so the lesson's own observers run and the page shows the same state. The class must match
  (it is part of the name); a menu's saved value must be one of its options, or else (an option
  whose value is translated text) its saved position is used when the menu has as many options.
- The page then saves under a token of its own, starting from a copy of the draft it read, so its
  own links carry everything on (and back).
- A missing, damaged, oversized or foreign draft is ignored: a note goes to the server's log
  (``shine.drafts``) and the page opens as usual. Nothing here ever stops a page.

Not kept: where a lesson stands when buttons move it (which situation of a sort, which step of a
stepper: that state lives in Python, not in a value widget), and widgets a lesson creates later in
answer to a click. A draft is reachable only through its token, and lives a day.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as widgets
from ipywidgets.widgets import widget as _widget_module
from ipywidgets.widgets.widget_controller import Axis, Button as ControllerButton
from ipywidgets.widgets.widget_media import _Media
from ipywidgets.widgets.widget_selection import _MultipleSelection, _Selection

from shine.web.paths import shine_home

FORMAT = 1
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}", re.ASCII)
KEY = re.compile(r"\d{1,4}\.\d{1,4}\.[A-Za-z_][A-Za-z0-9_]{0,80}", re.ASCII)
MAX_VALUE_CHARS = 20_000  # one value, as JSON
MAX_DRAFT_BYTES = 256 * 1024  # one draft file
MAX_AGE_S = 24 * 3600
FOLDER = "drafts"
QUERY_KEY = "keep"
# Value widgets that are not a participant's input: they show things, hold files, or secrets.
NOT_KEPT = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Valid, _Media, widgets.FileUpload,
            widgets.Password, ControllerButton, Axis)

log = logging.getLogger("shine.drafts")
_keeper: DraftKeeper | None = None


# --- tokens and files ------------------------------------------------------------------------------


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN.fullmatch(token) is not None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def drafts_dir() -> Path:
    return shine_home() / FOLDER


def draft_path(token: str, folder: Path | None = None) -> Path:
    """The file of draft ``token``; ValueError for anything that is not a token."""
    if not valid_token(token):
        raise ValueError("not a draft token")
    return Path(folder or drafts_dir()) / f"{token}.json"


def requested_token(query_string: str | None = None) -> str | None:
    """The ``?keep=`` token of this page's address (``QUERY_STRING``), when it is a valid one."""
    query = parse_qs(os.environ.get("QUERY_STRING", "") if query_string is None else query_string)
    token = (query.get(QUERY_KEY) or [None])[0]
    if token is None:
        return None
    if not valid_token(token):
        log.warning("drafts: the page's ?%s= is not a draft token; nothing restored", QUERY_KEY)
        return None
    return token


def plain(value: object) -> object:
    """``value`` as JSON keeps it exactly (a tuple becomes a list); ValueError for anything else."""
    if isinstance(value, (list, tuple)):
        return [_scalar(v) for v in value]
    return _scalar(value)


def _scalar(value: object) -> object:
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float and math.isfinite(value):
        return value
    raise ValueError("not a plain value")


def _as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _valid_entry(key: object, entry: object) -> bool:
    if not isinstance(key, str) or not KEY.fullmatch(key) or not isinstance(entry, dict) or "value" not in entry:
        return False
    try:
        if plain(entry["value"]) != entry["value"] or len(_as_json(entry["value"])) > MAX_VALUE_CHARS:
            return False
    except ValueError:
        return False
    return all(type(entry.get(name, 0)) is int for name in ("index", "count"))


def read_draft(token: str, page: str, folder: Path | None = None) -> dict[str, dict]:
    """The saved values of draft ``token`` for ``page``; {} (and a note in the log) when the draft
    is missing, damaged, too big or another page's."""
    path = draft_path(token, folder)
    name = token[:6] + "..."
    try:
        if path.stat().st_size > MAX_DRAFT_BYTES:
            log.warning("drafts: draft %s is too big; nothing restored", name)
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("drafts: no draft %s (gone, or older than a day); nothing restored", name)
        return {}
    except (OSError, ValueError) as error:
        log.warning("drafts: draft %s cannot be read (%s); nothing restored", name, error)
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("values"), dict):
        log.warning("drafts: draft %s is damaged; nothing restored", name)
        return {}
    if data.get("page") != page:
        log.warning("drafts: draft %s belongs to another page; nothing restored", name)
        return {}
    values = {key: entry for key, entry in data["values"].items() if _valid_entry(key, entry)}
    if len(values) < len(data["values"]):
        log.warning("drafts: draft %s had %d damaged values, left out", name, len(data["values"]) - len(values))
    return values


def write_draft(path: Path, page: str, values: dict[str, dict]) -> None:
    """Write a draft whole: a temporary file (0600) beside it, then renamed over it."""
    text = draft_text(page, values)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".draft-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def draft_text(page: str, values: dict[str, dict]) -> str:
    return _as_json({"format": FORMAT, "page": page, "values": values})


def prune(folder: Path | None = None, *, now: float | None = None) -> int:
    """Remove drafts (and leftover temporary files) older than a day; how many went."""
    folder = Path(folder or drafts_dir())
    limit = (time.time() if now is None else now) - MAX_AGE_S
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for path in entries:
        if not (path.suffix == ".json" or path.name.startswith(".draft-")):
            continue
        with contextlib.suppress(OSError):
            if path.lstat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed


# --- the keeper ------------------------------------------------------------------------------------


def kept(widget: object) -> bool:
    """A widget whose value a participant sets: text, menus, toggles, number boxes, checkboxes."""
    return isinstance(widget, widgets.ValueWidget) and not isinstance(widget, NOT_KEPT)


def _find_option(widget: _Selection, saved: object) -> object:
    wanted = _as_json(saved)
    for value in widget._options_values:
        with contextlib.suppress(ValueError):
            if _as_json(plain(value)) == wanted:
                return value
    raise LookupError("not among the options")


class DraftKeeper:
    """One page's draft: restores the values of draft ``restore`` (a token) and saves every change
    under its own :attr:`token`. :meth:`after_cell` is the ``post_run_cell`` hook."""

    def __init__(self, page: str, *, restore: str | None = None, folder: Path | None = None):
        self.page = page
        self.folder = Path(folder or drafts_dir())
        self.token = new_token()
        self.path = draft_path(self.token, self.folder)
        self.cells = 0
        self._seen = set(_widget_module._instances)  # widgets made before the page's cells
        self._watched: list[tuple[widgets.Widget, object]] = []
        self._write_failed = False
        prune(self.folder)
        self.pending = read_draft(restore, page, self.folder) if restore else {}
        self.values: dict[str, dict] = dict(self.pending)
        if self.values:
            self._write()

    def after_cell(self, result: object = None) -> None:
        """Name the value widgets the cell just run created, restore their saved values, watch them."""
        cell, self.cells = self.cells, self.cells + 1
        try:
            fresh = [(k, w) for k, w in list(_widget_module._instances.items()) if k not in self._seen]
            self._seen.update(k for k, _w in fresh)
            named = [(f"{cell}.{n}.{type(w).__name__}", w) for n, w in enumerate(w for _k, w in fresh if kept(w))]
            for key, widget in named:
                if key in self.pending:
                    self._restore(key, widget, self.pending.pop(key))
            for key, widget in named:
                self._watch(key, widget)
        except Exception:  # never stop a page
            log.warning("drafts: cell %d not kept", cell, exc_info=True)
        finally:  # widgets a restored value made the lesson create belong to no cell
            self._seen.update(_widget_module._instances)

    def _restore(self, key: str, widget: widgets.ValueWidget, entry: dict) -> None:
        saved = entry["value"]
        try:
            if isinstance(widget, _MultipleSelection):
                if not isinstance(saved, list):
                    raise ValueError("not a list")
                widget.value = tuple(_find_option(widget, v) for v in saved)
            elif isinstance(widget, _Selection):
                try:
                    widget.value = None if saved is None else _find_option(widget, saved)
                except LookupError:
                    if entry.get("count") != len(widget._options_values):
                        raise
                    widget.index = entry["index"]
            else:
                widget.value = tuple(saved) if isinstance(saved, list) else saved
        except Exception as error:  # not an option, a wrong type, or the lesson's own observer failed on it
            log.warning("drafts: %s not restored (%s)", key, error)

    def _watch(self, key: str, widget: widgets.ValueWidget) -> None:
        def changed(_change: dict) -> None:
            try:
                self.record(key, widget)
            except Exception:  # the lesson's own observers must carry on
                log.warning("drafts: %s not saved", key, exc_info=True)

        widget.observe(changed, names="value")
        self._watched.append((widget, changed))

    def record(self, key: str, widget: widgets.ValueWidget) -> None:
        """Save ``widget``'s value under ``key`` (or forget it: not plain, or too long)."""
        entry = self._entry(key, widget)
        if entry is None:
            if self.values.pop(key, None) is None:
                return
        else:
            self.values[key] = entry
        if len(draft_text(self.page, self.values).encode()) > MAX_DRAFT_BYTES:
            log.warning("drafts: %s left out: the draft would pass %d bytes", key, MAX_DRAFT_BYTES)
            self.values.pop(key, None)
        self._write()

    def _entry(self, key: str, widget: widgets.ValueWidget) -> dict | None:
        try:
            value = plain(widget.value)
        except ValueError:
            return None
        if len(_as_json(value)) > MAX_VALUE_CHARS:
            log.warning("drafts: %s left out: longer than %d characters", key, MAX_VALUE_CHARS)
            return None
        entry: dict = {"value": value}
        if isinstance(widget, _Selection) and widget.index is not None:
            entry.update(index=widget.index, count=len(widget._options_values))
        return entry

    def _write(self) -> None:
        try:
            write_draft(self.path, self.page, self.values)
            self._write_failed = False
        except OSError as error:
            if not self._write_failed:  # once, not on every key pressed
                log.warning("drafts: cannot write %s (%s)", self.path, error)
            self._write_failed = True

    def stop(self) -> None:
        """Stop watching (the draft stays)."""
        for widget, changed in self._watched:
            with contextlib.suppress(Exception):
                widget.unobserve(changed, names="value")
        self._watched.clear()


# --- the page's keeper -----------------------------------------------------------------------------


def under_voila() -> bool:
    """True in a kernel Voila started for a page (it sets these before the first cell)."""
    return bool(os.environ.get("VOILA_KERNEL_ID") or os.environ.get("VOILA_REQUEST_URL"))


def _log_to_server() -> None:
    """Notes go to the server's log: the kernel's own stderr reaches the page (Voila hides it)
    but not the log, while the process's stderr is echoed to both."""
    if not log.handlers and sys.__stderr__ is not None:
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("[shine.drafts] %(levelname)s %(message)s"))
        log.addHandler(handler)


def keep_page(page: str) -> DraftKeeper | None:
    """Under Voila: this page's keeper (one per kernel), restoring the draft its address names.
    Elsewhere (JupyterLab, a script, the tests) None."""
    global _keeper
    if not under_voila():
        return None
    if _keeper is not None and _keeper.page == page:
        return _keeper
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return None
        _log_to_server()
        keeper = DraftKeeper(page, restore=requested_token())
        if _keeper is not None:
            _keeper.stop()
            with contextlib.suppress(ValueError):
                shell.events.unregister("post_run_cell", _keeper.after_cell)
        shell.events.register("post_run_cell", keeper.after_cell)
    except Exception:  # a page without drafts is still a page
        log.warning("drafts: not kept on this page", exc_info=True)
        return None
    _keeper = keeper
    return keeper
