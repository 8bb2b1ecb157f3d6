"""Imported last by the fork server behind the room's kernels (:mod:`shine.room.kernels`).

Everything the fork server has imported is shared with each forked kernel until either writes to
it. Python's garbage collector writes to every object it tracks whenever it runs, so without this
each kernel would soon hold its own copy of every imported module's objects. ``gc.freeze()`` moves
them out of the collector's sight, so they stay shared (measured: a kiosk kernel's own memory after
join + post, see benchmarks/ready.py ``kiosk_memory``)."""

import gc

gc.collect()
gc.freeze()
