"""New posts for a page that polls (the wall), without ever skipping one that commits late.

On SQLite, posts commit in the order of their ids (one writer at a time), so "the posts above the
highest id seen" is a complete answer. On PostgreSQL it is not: a post takes its id from a
sequence when its INSERT runs, and two kiosks' transactions can commit in the other order, so a
wall that asked for ids above 41 while 40 was still being committed would never ask for 40.

:class:`PostCursor` therefore keeps, besides the posts it has returned, the lowest id that may still
be in flight (its ``floor``). The reader re-reads the ids above the floor each time (an index range
of a few rows) and returns those it has not returned yet. The floor rises only when PostgreSQL's
snapshots prove that nothing at or below it can still appear:

* each poll notes ``(newest id visible, next)`` of its snapshot, ``next`` being the next
  transaction id to be handed out, read just after the snapshot was taken (not the snapshot's
  ``xmax``, which is only one past the newest transaction to have *ended*: a transaction that took
  its id earlier and is still running can be at or above it, and the snapshot does not list it);
* every id at or below that newest one was handed out before the snapshot, and a post's
  transaction takes its transaction id before its post id (``Room.add_post`` inserts from a
  ``pg_current_xact_id()`` row), so those transactions all have ids below ``next``;
* once a later snapshot's ``xmin`` (the oldest transaction still running, and never above that
  snapshot's ``xmax``) reaches ``next``, all of them have ended, and whatever they committed is
  visible to that very snapshot, which is the one the ids were read from: the floor may rise to
  the noted id.

A poll therefore costs one snapshot query, one index range scan above the floor, and the full rows
of the new posts only. A floor normally trails the newest post by one poll; a transaction left
open makes it wait (and re-read a little more) until that transaction ends, but never skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_PENDING = 64  # notes kept while a long transaction holds the floor back (dropping one only delays)


@dataclass(frozen=True)
class PostCursor:
    """Where a reader stands: pass it back to ``store.room.new_posts`` for the next poll."""

    floor: int = 0  # every post at or below it was returned already, or will never exist
    seen: frozenset[int] = field(default_factory=frozenset)  # posts above the floor returned already
    pending: tuple[tuple[int, int], ...] = ()  # (newest id visible, next transaction id), oldest first

    @property
    def newest(self) -> int:
        return max(self.seen, default=self.floor)

    def fresh(self, visible: list[int]) -> list[int]:
        """The ids among ``visible`` (every id above the floor now visible) not returned yet."""
        return [i for i in visible if i not in self.seen]

    def advance(self, visible: list[int], xmin: int | None = None, following: int | None = None) -> PostCursor:
        """The cursor after a poll that read ``visible`` in a snapshot with ``xmin``, ``following``
        being the next transaction id read after that snapshot (None on SQLite, where ids commit
        in order)."""
        top = max(visible, default=self.floor)
        if xmin is None or following is None:
            return PostCursor(floor=max(top, self.floor))
        pending = self.pending
        if top > (pending[-1][0] if pending else self.floor):
            pending = (*pending, (top, following))
        floor = max([self.floor, *(newest for newest, before in pending if before <= xmin)])
        pending = tuple((newest, before) for newest, before in pending if before > xmin and newest > floor)
        if len(pending) > MAX_PENDING:
            pending = pending[:1] + pending[-(MAX_PENDING - 1):]
        seen = frozenset(i for i in (*self.seen, *visible) if i > floor)
        return PostCursor(floor, seen, pending)
