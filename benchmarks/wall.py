"""Post -> visible on the wall, in a real browser, while many writers post at once.

Each writer process posts once a second and records, per post, its id and the time just before
the insert. The wall page (Chromium) records, at every change of its counter, the newest post id
it shows and the time. A post's latency is the first moment the wall shows it or a newer post
(ids follow commit order), minus its time before the insert. At the end the wall's count must
equal the rows written.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

from .common import chromium, median, p95, workshop_session

WRITER = textwrap.dedent("""
    import json, sys, time
    from shine.store import Store
    workshop, worker, start_at, seconds, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    with Store() as store, open(out, "w") as log:
        store.room.count_posts(workshop)  # connect before the clock starts
        offset = (int(worker) % 10) / 10  # writers spread across each second, as people are
        for i in range(seconds):
            wait = start_at + i + offset - time.time()
            if wait > 0:
                time.sleep(wait)
            before = time.time()
            post_id = store.room.add_post(workshop, ("milestone", "challenge", "practice", "question")[i % 4],
                                          f"post {i} from writer {worker}", f"writer-{worker}")
            log.write(json.dumps([post_id, before]) + "\\n")
""")

OBSERVER = """
(() => {
  window.__seen = [];
  let last = -1;
  const look = () => {
    const el = document.querySelector('.shine-wall-count');
    if (!el) return;
    const newest = Number(el.dataset.newest);
    if (newest !== last) { last = newest; window.__seen.push([Date.now(), newest, Number(el.dataset.count)]); }
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""


def wall_latency(writers: int = 50, seconds: int = 60) -> dict:
    with workshop_session(pool=1, with_blank=False) as session, chromium() as browser:
        page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        page.add_init_script(OBSERVER)
        page.goto(session.page_url("wall.ipynb"))
        page.wait_for_selector(".shine-wall-count", timeout=120_000)
        logs = [session.home / f"writer-{k}.jsonl" for k in range(writers)]
        start_at = time.time() + 8 + writers * 0.15  # every writer started and connected by then
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(session.workshop_id), str(k), str(start_at),
                                   str(seconds), str(logs[k])], stderr=subprocess.PIPE, text=True)
                 for k in range(writers)]
        errors = [p.communicate(timeout=seconds + 300)[1] for p in procs]
        failed = [e for p, e in zip(procs, errors) if p.returncode != 0]
        time.sleep(3)
        seen = page.evaluate("window.__seen")
        final_count = int(page.locator(".shine-wall-count").get_attribute("data-count"))
        from shine.store import Store

        with Store() as store:
            rows = store.room.count_posts(session.workshop_id)
        written = [json.loads(line) for log in logs if log.exists() for line in log.read_text().splitlines()]
    latencies = []
    missing = 0
    for post_id, before in written:
        shown = next((t for t, newest, _count in seen if newest >= post_id), None)
        if shown is None:
            missing += 1
        else:
            latencies.append(max(0.0, shown / 1000.0 - before))
    worst = p95(latencies)
    ok = not failed and missing == 0 and final_count == rows == len(written) == writers * seconds and worst <= 1.0
    return {
        "writers": writers, "seconds": seconds, "posts_written": len(written), "rows_in_store": rows,
        "wall_count": final_count, "never_shown": missing, "writer_failures": [e[-300:] for e in failed][:3],
        "latency_median_s": round(median(latencies), 3), "latency_p95_s": round(worst, 3),
        "latency_max_s": round(max(latencies), 3) if latencies else None, "wall_updates": len(seen),
        "target": "p95 <= 1.0 s; wall count == rows written", "ok": ok,
    }
