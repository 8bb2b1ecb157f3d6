"""Store throughput: processes writing posts as fast as they can to one SQLite file, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

WRITER = textwrap.dedent("""
    import sys, time
    from shine.store import Store
    url, worker, each, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    with Store(url) as s:
        w = s.room.workshop_by_code("BENCH1")
        time.sleep(max(0, start_at - time.time()))
        began = time.time()
        for i in range(each):
            s.room.add_post(w.id, "milestone", f"post {i} from {worker}", f"writer-{worker}")
        print(began, time.time())
""")


def store_throughput(processes: int = 8, each: int = 2500) -> dict:
    from shine.store import Store

    folder = Path(tempfile.mkdtemp(prefix="shine-store-bench-"))
    url = f"sqlite:///{folder / 'shine.db'}"
    with Store(url) as s:
        w = s.room.create_workshop("Store benchmark", code="BENCH1")
    start_at = time.time() + 4 + processes  # every writer imported and connected by then
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(k), str(each), str(start_at)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(processes)]
    outs = [p.communicate(timeout=600) for p in procs]
    spans = [tuple(map(float, out.split())) for out, _err in outs if out.strip()]
    elapsed = max(e for _b, e in spans) - min(b for b, _e in spans)
    with Store(url) as s:
        rows = s.room.count_posts(w.id)
        per_writer = {}
        for p in s.room.posts(w.id):
            writer = p.body.rsplit(" ", 1)[1]
            per_writer[writer] = per_writer.get(writer, 0) + 1
    for f in folder.iterdir():
        os.remove(f)
    folder.rmdir()
    expected = processes * each
    rate = rows / elapsed
    lost = expected - rows
    ok = lost == 0 and per_writer == {str(k): each for k in range(processes)} and rate >= 5000
    return {"processes": processes, "posts_each": each, "rows": rows, "lost": lost, "seconds": round(elapsed, 2),
            "posts_per_s": round(rate), "target": ">= 5000 posts/s, zero lost", "ok": ok,
            "errors": [err[-300:] for _o, err in outs if err.strip()][:3]}
