"""Charts drawn once and shown many times: a module's chart as HTML, kept per language, content
and inputs.

Drawing a chart with matplotlib and encoding it as a PNG takes a kernel about a third of a second
of CPU. A chart drawn from the curriculum (module 2's pilot timeline) is the same for every
participant, and a chart drawn from a participant's numbers is the same for everyone who types
those numbers, so :func:`html` keeps what :func:`shine.web.charts.to_html` returned, keyed by

* the function that builds the figure (module and name),
* the language the page is shown in (titles and labels are translated),
* ``source``: the object the inputs come from, usually the loaded curriculum (``content.load()``);
  an entry counts only while the caller's ``source`` is the very same object, so content loaded
  again (another folder, ``content.clear_cache()``) draws the chart again;
* the arguments, when they are plain values (numbers, strings, ``None``, and lists, tuples, dicts
  and frozen dataclasses of them). A chart of anything else is drawn every time, never served
  from a key that could stay the same while the thing changed.

The kernels of a server with module pools are forked from a process that has already drawn the
module pages' fixed charts in every language (:mod:`shine.lessons.preload`), so none of them draws
those again.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from typing import Any, Callable

from shine.i18n import get_language

MAX_ENTRIES = 128  # a few hundred KB of PNGs at most; the oldest used goes first

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[object, str]] = OrderedDict()
stats = {"hits": 0, "draws": 0}


class _NotPlain(Exception):
    pass


def _plain(value: Any) -> Any:
    """``value`` as a hashable key that changes whenever the value does; _NotPlain otherwise."""
    if value is None or type(value) in (bool, int, float, str):
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_plain(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((_plain(k), _plain(v)) for k, v in value.items()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        fields = tuple((f.name, _plain(getattr(value, f.name))) for f in dataclasses.fields(value))
        return (type(value).__module__, type(value).__qualname__, fields)
    raise _NotPlain(type(value).__name__)


def key(draw: Callable, args: tuple, kwargs: dict) -> tuple | None:
    """The cache key of ``draw(*args, **kwargs)`` in the current language; None when an argument is
    not a plain value."""
    try:
        inputs = (_plain(args), _plain(dict(sorted(kwargs.items()))))
    except _NotPlain:
        return None
    return (draw.__module__, draw.__qualname__, get_language(), inputs)


def html(draw: Callable, *args: Any, source: object = None, **kwargs: Any) -> str:
    """``charts.to_html(draw(*args, **kwargs))``, drawn once per language, ``source`` and inputs."""
    from . import charts

    k = key(draw, args, kwargs)
    if k is not None:
        with _lock:
            entry = _entries.get(k)
            if entry is not None and entry[0] is source:
                _entries.move_to_end(k)
                stats["hits"] += 1
                return entry[1]
    shown = charts.to_html(draw(*args, **kwargs))
    stats["draws"] += 1
    if k is not None:
        with _lock:
            _entries[k] = (source, shown)
            _entries.move_to_end(k)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return shown


def clear() -> None:
    with _lock:
        _entries.clear()
        stats.update(hits=0, draws=0)
