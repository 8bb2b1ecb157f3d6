"""``shine workshop``: a live session on a Voila server.

It creates or resumes a workshop in the store, serves ``facilitator/dashboards`` (kiosk, wall,
console, Mini Visit tracker) with a pool of preheated kernels for the kiosk, prints the
addresses, a QR code for the kiosk and the facilitator key, and stops without losing anything
(every post is its own committed transaction).
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shine.i18n import N_, _
from shine.web.paths import dashboards_dir

from .live import KIOSK_URL_ENV, WORKSHOP_ENV
from .server import lan_address, pool_settings, port_is_free, start, wait_for_stop

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
)


def session_setup(agenda_id: str = AGENDA_ID) -> dict:
    """What the session's pages show, copied from the content once per workshop start.

    Kiosk kernels read this from the store instead of loading the curriculum models, which keeps
    each kiosk page's kernel small (see benchmarks/).
    """
    from shine import content

    agenda = content.get("agenda", agenda_id)
    cur = content.load()
    tags = [{"id": f"type:{t.id}", "label": t.name, "group": "type"} for t in cur.six_types.types]
    tags += [{"id": f"standard:{s.id}", "label": s.name_2022, "group": "standard"} for s in cur.standards.standards]
    return {
        "agenda_id": agenda.id,
        "agenda_name": agenda.name,
        "segments": [{"id": s.id, "title": s.title, "minutes": s.minutes, "kind": s.kind, "purpose": s.purpose}
                     for s in agenda.segments],
        "tags": tags,
    }


def open_workshop(store, *, name: str | None = None, held_on: date | None = None, new: bool = False,
                  code: str | None = None):
    """``(workshop, resumed)``: the workshop to serve, created when there is none to resume.

    Without ``new``, the newest workshop held that day (with that name, when one is given) is
    resumed, so restarting after a crash or a closed laptop picks up the same session and posts.
    """
    from shine.store import StoreInputError

    held_on = held_on or date.today()
    if code:
        found = store.room.workshop_by_code(code)
        if found is None:
            raise StoreInputError(_("There is no workshop with the join code {code}.").format(code=code.upper()))
        return found, True
    if not new:
        found = store.room.latest_workshop(name=name, held_on=held_on)
        if found is not None:
            return found, True
    setup = session_setup()
    workshop = store.room.create_workshop(name or setup["agenda_name"], AGENDA_ID, agenda_id=setup["agenda_id"],
                                          held_on=held_on)
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
    lines = [""]
    if resumed:
        lines.append(_("Resumed workshop “{name}” ({date}); {n} posts so far, all kept.").format(
            name=workshop.name, date=workshop.held_on, n=posts))
    else:
        lines.append(_("New workshop “{name}” ({date}).").format(name=workshop.name, date=workshop.held_on))
    lines += [
        _("Join code for participants: {code}").format(code=workshop.code), "",
        *(_(d.line).format(url=urls[d.notebook.removesuffix(".ipynb")]) for d in DASHBOARDS), "",
        _("Facilitator key (the console asks for it; a new one is issued at every start): {key}").format(key=key),
        "",
    ]
    if not lan:
        lines.append(_("Only this computer can open these pages; add --lan for the room's network."))
    lines.append(_("Scan this code with a phone to open the kiosk (the wall shows it too):"))
    return "\n".join(lines)


def run_workshop(*, name: str | None = None, held_on: date | None = None, new: bool = False, code: str | None = None,
                 port: int = 8866, lan: bool = False, kiosk_pool: int = KIOSK_POOL, qr: bool = True,
                 dashboards: Path | None = None) -> int:
    """``shine workshop``: serve a live session until Ctrl-C."""
    from shine.store import Store, StoreError, new_facilitator_key

    try:
        with Store() as store:
            workshop, resumed = open_workshop(store, name=name, held_on=held_on, new=new, code=code)
            if workshop.setup is None:  # a workshop created by another tool: give it its agenda and tags
                store.room.set_workshop_setup(workshop.id, session_setup(workshop.agenda_id or AGENDA_ID))
            key = new_facilitator_key()
            store.room.set_facilitator_key(workshop.id, key)
            posts = store.room.count_posts(workshop.id)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not port_is_free(port, lan):
        print(_("Port {port} is already in use (is another workshop running?). Stop it, or choose another "
                "port with --port.").format(port=port), file=sys.stderr)
        return 2
    folder = Path(dashboards or dashboards_dir())
    env = {WORKSHOP_ENV: str(workshop.id)}
    # The kiosk address is known only once Voila says where it listens; the wall shows it as a
    # QR code, so it is worked out from the port and passed in before starting.
    host = lan_address() if lan else "127.0.0.1"
    env[KIOSK_URL_ENV] = f"http://{host}:{port}/voila/render/kiosk.ipynb"
    pools = {d.notebook: kiosk_pool for d in DASHBOARDS if d.preheat}
    server = start(folder, port=port, lan=lan, env=env, extra=pool_settings(pools))
    urls = dashboard_urls(server.url)
    print(_("Time to Shine workshop is ready."), flush=True)
    print(_summary(workshop, urls, key, posts, resumed, lan), flush=True)
    if qr:
        print(qr_text(urls["kiosk"]), flush=True)
    print(_("Voila's log: {log}").format(log=server.log_path), flush=True)
    print(_("Press Ctrl-C to stop; every post is saved the moment it is made."), flush=True)
    asked = wait_for_stop(server)
    print(_("Stopping..."), flush=True)
    exit_code = server.stop()
    with Store() as store:
        store.checkpoint()
        total = store.room.count_posts(workshop.id)
    print(_("Stopped. {n} posts are saved in workshop {code}; `shine workshop` resumes it.").format(
        n=total, code=workshop.code), flush=True)
    return 0 if asked or exit_code in (0, -signal.SIGINT, 130) else exit_code


