"""What a module page's kernel needs before its first cell, done once in the fork server.

A server with module pools (``shine serve``) forks its kernels from a process that imported this
module (``shine.room.kernels``, the module pages' preload). Importing it

* imports every lesson's widgets (and with them ipywidgets, the store and the curriculum models),
  matplotlib with its Agg canvas and :mod:`shine.web.charts`: about 1.5 CPU-seconds a kernel
  started from nothing spends before module 3's chart cell can run;
* loads the curriculum in every catalogued language (``content.load()``, 0.7 s each);
* draws the charts that are the same for every participant (module 2's pilot timeline) into
  :mod:`shine.web.chart_cache`, in every language.

The fork server must stay a plain process: nothing here starts a thread, opens a socket or a
database, or keeps a file open, and a failure is logged, never raised (the fork server would
otherwise stop, and no kernel could start). A kernel that finds something not done here does it
itself, as any kernel would.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

log = logging.getLogger("shine")

# Drawn in the fork server: (module, function) of charts that depend on the curriculum only.
FIXED_CHARTS = (("shine.lessons.district.pilot_timeline", "timeline_chart"),)


def lesson_modules() -> list[str]:
    import shine.lessons as lessons

    return sorted(m.name for m in pkgutil.walk_packages(lessons.__path__, "shine.lessons.")
                  if m.name != __name__)


def warm() -> dict[str, int]:
    """Import, load and draw what the module pages need; counts of what was done."""
    done = {"modules": 0, "languages": 0, "charts": 0, "failed": 0}
    for name in ["matplotlib.backends.backend_agg", "shine.web.charts", *lesson_modules()]:
        try:
            importlib.import_module(name)
            done["modules"] += 1
        except Exception:  # noqa: BLE001 -- the page's own kernel will meet (and show) the problem
            done["failed"] += 1
            log.warning("preload: could not import %s", name, exc_info=True)
    from shine import content
    from shine.i18n import available_languages, language
    from shine.web import chart_cache

    for lang in available_languages():
        with language(lang):
            try:
                source = content.load()
                done["languages"] += 1
            except Exception:  # noqa: BLE001 -- broken content: each page reports it itself
                done["failed"] += 1
                log.warning("preload: could not load the content in %s", lang, exc_info=True)
                continue
            for module, function in FIXED_CHARTS:
                try:
                    chart_cache.html(getattr(importlib.import_module(module), function), source=source)
                    done["charts"] += 1
                except Exception:  # noqa: BLE001
                    done["failed"] += 1
                    log.warning("preload: could not draw %s.%s", module, function, exc_info=True)
    return done


summary = warm()
