"""``shine workshop``: a live session on a Voila server.

It creates or resumes a workshop in the store, serves ``facilitator/dashboards`` (kiosk, wall,
console, Mini Visit tracker) with a pool of preheated kernels for the kiosk, serves the module
pages beside it on the next port with pools that follow the agenda (:mod:`shine.room.pools`),
prints the addresses, a QR code for the kiosk and the facilitator key, and stops without losing
anything (every post is its own committed transaction).
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shine.i18n import DEFAULT_LANGUAGE, N_, _, get_language
from shine.web.paths import dashboards_dir

from .live import KIOSK_URL_ENV, WORKSHOP_ENV
from .server import HIDE_LISTINGS_ENV, lan_address, pool_settings, port_is_free, say, start, wait_for_stop

# Preheated kiosk kernels: the whole room can open the kiosk at once without waiting. Forked
# kernels (shine.room.kernels) share their imported code, so each costs about 40 MiB of its own.
KIOSK_POOL = 30
AGENDA_ID = "regional-meeting"


@dataclass(frozen=True)
class Dashboard:
    """A page of ``facilitator/dashboards`` whose address ``shine workshop`` prints at start."""

    notebook: str
    line: str  # the printed line, marked for translation, with {url}
    preheat: bool = False  # keep a pool of warm kernels (``--kiosks``) for a whole room opening it


# To add one: put the notebook in facilitator/dashboards/ and a line here (see the README).
DASHBOARDS = (
    Dashboard("kiosk.ipynb", N_("Kiosk (phones, tablets, kiosks): {url}"), preheat=True),
    Dashboard("wall.ipynb", N_("Live wall (the projector):       {url}")),
    Dashboard("console.ipynb", N_("Facilitator console:             {url}")),
    Dashboard("mini-visits.ipynb", N_("Mini Visit tracker (key needed): {url}")),
)


def session_setup(agenda_id: str = AGENDA_ID, languages: list[str] | None = None) -> dict:
    """What the session's pages show, copied from the content once per workshop start.

    Kiosk kernels read this from the store instead of loading the curriculum models, which keeps
    each kiosk page's kernel small (see benchmarks/). Titles and labels are kept in every
    catalogued language (``{"en": ..., "es": ...}``), so a kiosk switches language without them.
    """
    from shine import content
    from shine.i18n import available_languages, language

    cur, agendas = {}, {}
    for lang in available_languages():
        with language(lang):
            cur[lang], agendas[lang] = content.load(), content.get("agenda", agenda_id)
    agenda, en = agendas[DEFAULT_LANGUAGE], cur[DEFAULT_LANGUAGE]

    def each(pick) -> dict[str, str]:
        return {lang: pick(cur[lang], agendas[lang]) for lang in cur}

    tags = [{"id": f"type:{t.id}", "group": "type", "label": each(lambda c, _a, i=i: c.six_types.types[i].name)}
            for i, t in enumerate(en.six_types.types)]
    tags += [{"id": f"standard:{s.id}", "group": "standard",
              "label": each(lambda c, _a, i=i: c.standards.standards[i].name_2022)}
             for i, s in enumerate(en.standards.standards)]
    segments = [{"id": s.id, "minutes": s.minutes, "kind": s.kind, "modules": list(s.modules),
                 "title": each(lambda _c, a, i=i: a.segments[i].title),
                 "purpose": each(lambda _c, a, i=i: a.segments[i].purpose)}
                for i, s in enumerate(agenda.segments)]
    return {
        "agenda_id": agenda.id,
        "agenda_name": each(lambda _c, a: a.name),
        "languages": languages or [get_language()],
        "segments": segments,
        "tags": tags,
    }


def open_workshop(store, *, name: str | None = None, held_on: date | None = None, new: bool = False,
                  code: str | None = None, languages: list[str] | None = None):
    """``(workshop, resumed)``: the workshop to serve, created when there is none to resume.

    Without ``new``, the newest workshop held that day (with that name, when one is given) is
    resumed, so restarting after a crash or a closed laptop picks up the same session and posts.
    ``languages`` (``["es"]``, ``["en", "es"]`` for bilingual) sets a new workshop's languages and
    changes a resumed one's; without it a resumed workshop keeps its own.
    """
    from shine.store import StoreInputError

    from .languages import plain_in, text_in

    held_on = held_on or date.today()
    found = None
    if code:
        found = store.room.workshop_by_code(code)
        if found is None:
            raise StoreInputError(_("There is no workshop with the join code {code}.").format(code=code.upper()))
    elif not new:
        found = store.room.latest_workshop(name=name, held_on=held_on)
    if found is not None:
        if found.setup is None:  # a workshop created by another tool: give it its agenda and tags
            store.room.set_workshop_setup(found.id, session_setup(found.agenda_id or AGENDA_ID, languages))
        elif languages and found.setup.get("languages") != languages:
            store.room.set_workshop_setup(found.id, {**found.setup, "languages": languages})
        return store.room.workshop(found.id), True
    setup = session_setup(languages=languages)
    chosen = setup["languages"]
    default_name = plain_in(chosen, lambda: text_in(setup["agenda_name"], get_language()))
    workshop = store.room.create_workshop(name or default_name, AGENDA_ID, agenda_id=setup["agenda_id"],
                                          held_on=held_on, language=chosen[0])
    store.room.set_workshop_setup(workshop.id, setup)
    return store.room.workshop(workshop.id), False


def dashboard_urls(base: str) -> dict[str, str]:
    base = base.rstrip("/")
    return {d.notebook.removesuffix(".ipynb"): f"{base}/voila/render/{d.notebook}" for d in DASHBOARDS}


def qr_text(url: str) -> str:
    """The kiosk address as a QR code drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _summary(workshop, urls: dict[str, str], key: str, posts: int, resumed: bool, lan: bool) -> str:
    from shine.i18n import language_name

    from .languages import room_languages

    lines = [""]
    if resumed:
        lines.append(_("Resumed workshop “{name}” ({date}); {n} posts so far, all kept.").format(
            name=workshop.name, date=workshop.held_on, n=posts))
    else:
        lines.append(_("New workshop “{name}” ({date}).").format(name=workshop.name, date=workshop.held_on))
    lines += [
        _("Join code for participants: {code}").format(code=workshop.code),
        _("Language of the room: {languages}").format(
            languages=" + ".join(language_name(lang) for lang in room_languages(workshop.setup))), "",
        *(_(d.line).format(url=urls[d.notebook.removesuffix(".ipynb")]) for d in DASHBOARDS), "",
        _("Facilitator key (the console asks for it; a new one is issued at every start): {key}").format(key=key),
        "",
    ]
    if not lan:
        lines.append(_("Only this computer can open these pages; add --lan for the room's network."))
    lines.append(_("Scan this code with a phone to open the kiosk (the wall shows it too):"))
    return "\n".join(lines)


def _run_file(workshop_id: int) -> Path:
    from shine.web.paths import shine_home

    return shine_home() / "run" / f"workshop-{workshop_id}.json"


def running_elsewhere(workshop_id: int) -> str | None:
    """The address of a `shine workshop` already serving this workshop, or None."""
    import json

    import psutil

    try:
        record = json.loads(_run_file(workshop_id).read_text(encoding="utf-8"))
        proc = psutil.Process(int(record["pid"]))
        if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE and "shine" in " ".join(proc.cmdline()):
            return str(record.get("url") or "")
    except (OSError, ValueError, KeyError, TypeError, psutil.Error):
        pass
    return None


def _mark_running(workshop_id: int, url: str | None) -> None:
    """Note (or, with ``url=None``, forget) that this process serves the workshop."""
    import contextlib
    import json
    import os

    path = _run_file(workshop_id)
    with contextlib.suppress(OSError):  # a full disk must not stop a workshop from starting or stopping
        if url is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")


def _start_modules(workshop_id: int, *, port: int, lan: bool, expected: int, notebooks: Path | None, lang: str):
    """The module pages' server beside the room's, on the next free port, its pools following the
    agenda (shine.room.pools); ``(None, None)``, with the reason printed, when it cannot start:
    the room's pages run all the same."""
    from .server import start_module_server

    free = next((p for p in range(port + 1, port + 21) if port_is_free(p, lan)), None)
    if free is None:
        say(_("No free port after {port} for the module pages; the room's pages run without them.").format(
            port=port), error=True)
        return None, None
    from shine.store import StoreError

    try:
        return start_module_server(workshop_id, port=free, lan=lan, expected=expected, notebooks=notebooks,
                                   env={"SHINE_LANG": lang})
    except (OSError, RuntimeError, StoreError) as exc:
        say(_("The module pages could not start ({reason}); the room's pages run without them.").format(
            reason=exc), error=True)
        return None, None


def run_workshop(*, name: str | None = None, held_on: date | None = None, new: bool = False, code: str | None = None,
                 port: int = 8866, lan: bool = False, kiosk_pool: int = KIOSK_POOL, qr: bool = True,
                 dashboards: Path | None = None, languages: list[str] | None = None, modules: bool = True,
                 module_notebooks: Path | None = None) -> int:
    """``shine workshop``: serve a live session until Ctrl-C.

    Nothing of a running workshop is touched by a start that cannot go ahead (a busy port, the same
    workshop already served, Voila failing to start): the facilitator key is replaced only once
    the new server is up. Stopping never depends on the terminal: with the output piped through a
    program that has gone (``make workshop | tee log`` and Ctrl-C), the server still stops."""
    from shine.store import Store, StoreError, new_facilitator_key
    from shine.store.db import CHECKED_ENV
    from shine.web.keys import KeyLock

    if not port_is_free(port, lan):
        say(_("Port {port} is already in use (is another workshop running?). Stop it, or choose another "
              "port with --port.").format(port=port), error=True)
        return 2
    try:
        with Store() as store:
            if store.problem is not None:  # damaged or read-only: a session could save nothing
                raise store.problem
            checked_file = store.path
            workshop, resumed = open_workshop(store, name=name, held_on=held_on, new=new, code=code,
                                              languages=languages)
            posts = store.room.count_posts(workshop.id)
    except StoreError as exc:
        say(str(exc), error=True)
        return 2
    elsewhere = running_elsewhere(workshop.id)
    if elsewhere is not None:
        say(_("Workshop {code} is already running ({url}). Use that one, or stop it first (Ctrl-C where it "
              "runs).").format(code=workshop.code, url=elsewhere or "?"), error=True)
        return 2
    folder = Path(dashboards or dashboards_dir())
    from .languages import room_languages

    chosen = room_languages(workshop.setup)
    # The pages start in the workshop's first language; a kiosk switches on its own page.
    # The room is not shown the list of dashboards and files: each page is opened by its address.
    env = {WORKSHOP_ENV: str(workshop.id), "SHINE_LANG": chosen[0], HIDE_LISTINGS_ENV: "1"}
    if checked_file is not None:  # checked just now: the pages' kernels need not read it all again
        env[CHECKED_ENV] = str(checked_file)
    # The kiosk address is known only once Voila says where it listens; the wall shows it as a
    # QR code, so it is worked out from the port and passed in before starting.
    host = lan_address() if lan else "127.0.0.1"
    env[KIOSK_URL_ENV] = f"http://{host}:{port}/voila/render/kiosk.ipynb"
    pools = {d.notebook: kiosk_pool for d in DASHBOARDS if d.preheat}
    try:
        server = start(folder, port=port, lan=lan, env=env, extra=pool_settings(pools))
    except (OSError, RuntimeError) as exc:
        say(str(exc), error=True)
        return 2
    module_server = follower = None
    asked, exit_code = False, None
    try:
        if modules:
            module_server, follower = _start_modules(workshop.id, port=port, lan=lan, expected=kiosk_pool,
                                                     notebooks=module_notebooks, lang=chosen[0])
        else:  # a status left by a run that crashed would tell the console of pools that are not there
            from .pools import forget_status

            forget_status(workshop.id)
        urls = dashboard_urls(server.url)
        _mark_running(workshop.id, urls["kiosk"])
        key = new_facilitator_key()
        with Store() as store:
            store.room.set_facilitator_key(workshop.id, key)
        KeyLock.for_workshop(workshop).clear()  # a new key: the wrong tries against the old one are gone
        say(_("Time to Shine workshop is ready."))
        say(_summary(workshop, urls, key, posts, resumed, lan))
        if module_server is not None:
            say(_("Module pages (kept ready where the agenda is going): {url}").format(url=module_server.url) + "\n")
        if qr:
            say(qr_text(urls["kiosk"]))
        say(_("Voila's log: {log}").format(log=server.log_path))
        say(_("Press Ctrl-C to stop; every post is saved the moment it is made."))
        asked = wait_for_stop(server)
    except KeyboardInterrupt:
        asked = True
    finally:
        say(_("Stopping..."))
        if follower is not None:
            follower.stop()
        if module_server is not None:
            module_server.stop()
        exit_code = server.stop()
        _mark_running(workshop.id, None)
    try:
        with Store() as store:
            store.checkpoint()
            total = store.room.count_posts(workshop.id)
    except StoreError as exc:
        say(str(exc), error=True)
        return 2
    say(_("Stopped. {n} posts are saved in workshop {code}; `shine workshop` resumes it.").format(
        n=total, code=workshop.code))
    return 0 if asked or exit_code in (0, -signal.SIGINT, 130) else exit_code
