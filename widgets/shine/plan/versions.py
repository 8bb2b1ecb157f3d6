"""A team's plan, version after version: saving without writing over another page's work, the
history, and bringing an earlier version back.

Every save names the version it was built on. If another page saved a newer one meanwhile,
:func:`save_merging` merges the two field by field (``shine.plan.merge``) and saves the merge;
when both changed the same field it saves nothing and raises :class:`PlanConflicts`, and the
person chooses. Restoring version *n* saves a new version whose content is *n*'s: nothing is
ever overwritten, so a restore can be undone by restoring again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shine.i18n import _, ngettext
from shine.store import StoreError
from shine.store.plans import PlanVersionConflict

from .merge import Conflict, merge
from .model import PlanError, plan_from_data, short

RESTORED = "restore-of-"  # the client id of a version saved by a restore: ``restore-of-3``
ATTEMPTS = 5


class PlanConflicts(StoreError):
    """Both pages changed the same fields; nothing was saved. ``conflicts`` lists them, against
    version ``latest`` (``latest_data``)."""

    def __init__(self, conflicts: list[Conflict], latest: int, latest_data: dict):
        self.conflicts = conflicts
        self.latest = latest
        self.latest_data = latest_data
        super().__init__(_("Someone else changed the same things; choose which to keep."))


@dataclass
class Saved:
    """``version`` holds ``data``. ``merged_with``: the other page's version merged in (None when
    there was none), and ``taken`` what came from it, in words."""

    version: int
    data: dict
    merged_with: int | None = None
    taken: list[str] = field(default_factory=list)


@dataclass
class Version:
    version: int
    saved_at: datetime
    restored_from: int | None
    data: dict | None = None

    def summary(self) -> str:
        """"4 goals, 8 activities" (or that it cannot be read)."""
        if self.data is None:
            return ""
        try:
            return _summary(plan_from_data(self.data))
        except PlanError:
            return _("cannot be read as a plan")


def _summary(plan) -> str:
    activities = sum(len(g.activities) for g in plan.goals)
    goals = ngettext("{n} goal", "{n} goals", len(plan.goals)).format(n=len(plan.goals))
    return goals + ", " + ngettext("{n} activity", "{n} activities", activities).format(n=activities)


def normalized(data: dict) -> dict | None:
    """Stored data as the builder writes it (ids, defaults), or None when it is not a plan."""
    try:
        return plan_from_data(data).to_data()
    except PlanError:
        return None


def save_merging(store, team_id: int, school_year: str, data: dict, *, base_version: int | None,
                 base_data: dict | None, client_id: str | None = None, choices: dict | None = None,
                 unresolved: str | None = None) -> Saved:
    """Save ``data`` (a page's plan, built on ``base_version`` whose data was ``base_data``).

    A newer version saved meanwhile is merged in first; :class:`PlanConflicts` when both changed
    one field and ``choices`` does not say which to keep (``unresolved``: the side taken for
    those, instead). A newer version that cannot be read as a plan is not merged: ``data`` is
    saved after it, and it stays in the history."""
    to_save, base, merged_with, taken = data, base_version, None, []
    for _attempt in range(ATTEMPTS):
        try:
            version = store.plans.save(team_id, school_year, to_save, client_id=client_id, base=base)
            return Saved(version, to_save, merged_with, taken)
        except PlanVersionConflict as stale:
            found = store.plans.latest(team_id, school_year)
            if found is None:  # a version that was there is gone: save as the first
                to_save, base = data, None
                continue
            latest, raw = found
            theirs = normalized(raw)
            if theirs is None:
                to_save, base = data, latest
                continue
            result = merge(base_data, data, theirs, choices, unresolved=unresolved)
            if result.conflicts:
                raise PlanConflicts(result.conflicts, latest, theirs) from stale
            to_save, base, merged_with, taken = result.data, latest, latest, result.taken
    raise StoreError(_("The plan could not be saved; please try again."))


def history(store, team_id: int, school_year: str, *, with_data: bool = False) -> list[Version]:
    """Every version of the plan, newest first."""
    out = []
    for row in store.plans.history(team_id, school_year, with_data=with_data):
        source = row.client_id or ""
        restored = int(source[len(RESTORED):]) if source.startswith(RESTORED) and \
            source[len(RESTORED):].isdigit() else None
        out.append(Version(row.version, row.created_at, restored, row.data))
    return out


def restore(store, team_id: int, school_year: str, version: int) -> Saved:
    """Save version ``version``'s content as the newest version. :class:`PlanError` when there is
    no such version or it cannot be read as a plan (nothing is saved then)."""
    raw = store.plans.get(team_id, school_year, version)
    if raw is None:
        raise PlanError([_("There is no version {n} of this plan.").format(n=version)])
    data = plan_from_data(raw).to_data()
    new = store.plans.save(team_id, school_year, data, client_id=f"{RESTORED}{version}")
    return Saved(new, data)


def describe(store, team_id: int, school_year: str, version: int) -> str:
    """One version in a line: how many goals and activities, and the goals' titles."""
    data = store.plans.get(team_id, school_year, version)
    if data is None:
        return _("There is no version {n} of this plan.").format(n=version)
    try:
        plan = plan_from_data(data)
    except PlanError:
        return _("Version {n} cannot be read as a plan.").format(n=version)
    text = _summary(plan)
    titles = [short(g.title, 60) for g in plan.goals if g.title]
    return text + (": " + "; ".join(titles) if titles else "")
