"""Two pages edited one plan: a three-way merge, field by field.

``base`` is the version a page started from, ``mine`` what that page holds now and ``theirs``
the newer version another page saved meanwhile (all three as ``Plan.to_data()``). What only one
side changed is taken from that side: a goal's title, an activity's date, a seat on the team, a
goal or an activity added or deleted, the order of goals or activities. What both changed to
different values is a :class:`Conflict`: both values are shown to the person saving, who chooses
which to keep (``choices``); until then the merge has no data to save.

Goals and activities are matched by their ids. Team seats have no ids: when both sides kept the
number of seats, each seat is merged field by field; otherwise their changes are merged as edits
of a list, and seats added by both are all kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from shine import content
from shine.i18n import _

from .model import UNNAMED_ROLES, field_label, kind_name, level_label, short, team_roles

MINE, THEIRS = "mine", "theirs"
_SKIP = ("id", "goals", "activities", "team")


@dataclass
class Conflict:
    """One thing both pages changed: where (in words), and each side's value (as data and as words)."""

    key: str
    where: str
    mine: Any
    theirs: Any
    mine_text: str
    theirs_text: str


@dataclass
class Merge:
    data: dict
    conflicts: list[Conflict] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)  # what came from the other version, in words

    @property
    def ok(self) -> bool:
        return not self.conflicts


def merge(base: dict | None, mine: dict, theirs: dict, choices: dict[str, tuple[str, Any]] | None = None,
          *, unresolved: str | None = None) -> Merge:
    """``choices``: ``{conflict key: (MINE or THEIRS, the other value it was chosen against)}``; a
    choice made against a value that has changed since counts as no choice. ``unresolved``: the
    side taken for conflicts nobody chose (when the page closes), else they are reported."""
    return _Merger(base or {}, mine, theirs, choices or {}, unresolved).run()


def show(name: str, value: Any) -> str:
    """A field's value in words: a type's name rather than its id, "(empty)" for nothing."""
    if value in (None, "", []):
        return _("(empty)")
    if name == "level":
        return level_label(value)
    if name == "kind":
        return kind_name(value)
    if name == "form":
        return {"G": _("Form G: by goals"), "T": _("Form T: by the six types")}.get(value, str(value))
    if name == "role":
        role = team_roles().get(value)
        return role.name if role else str(value)
    if name in ("type", "standard", "play", "example"):
        kind = {"type": "type", "standard": "standard", "play": "play", "example": "impact_example"}[name]
        item = content.index().items.get(kind, {}).get(value)
        for attr in ("name", "name_2022", "practice"):
            if item is not None and getattr(item, attr, None):
                return str(getattr(item, attr))
        if item is not None and getattr(item, "assets", None):
            return short(item.assets[0], 70)
    if name == "cost" and isinstance(value, (int, float)):
        return f"{value:,.2f}".removesuffix(".00")
    if name == "team":
        return "; ".join(_seat(m) for m in value)
    return str(value)


def _seat(member: dict) -> str:
    role = show("role", member.get("role"))
    return f"{role}: {member['name']}" if member.get("name") else role


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


class _Merger:
    def __init__(self, base: dict, mine: dict, theirs: dict, choices: dict, unresolved: str | None):
        self.base, self.mine, self.theirs = base, mine, theirs
        self.choices = choices
        self.unresolved = unresolved
        self.conflicts: list[Conflict] = []
        self.taken: list[str] = []

    def run(self) -> Merge:
        data = self._fields("", "", self.base, self.mine, self.theirs)
        data["team"] = self._team()
        goals = self._items("goal:", self.base.get("goals", []), self.mine.get("goals", []),
                            self.theirs.get("goals", []), self._goal, self._goal_where)
        data["goals"] = self._moved_once(goals)
        return Merge(data, self.conflicts, self.taken)

    def _moved_once(self, goals: list[dict]) -> list[dict]:
        """An activity one side moved to another goal appears once: where it was moved to."""
        home = {a["id"]: g["id"] for g in self.base.get("goals", []) for a in g.get("activities", [])}
        places = {}
        for goal in goals:
            for activity in goal["activities"]:
                places.setdefault(activity["id"], []).append(goal["id"])
        keep = {i: next((g for g in gs if g != home.get(i)), gs[0]) for i, gs in places.items() if len(gs) > 1}
        for goal in goals:
            goal["activities"] = [a for a in goal["activities"] if keep.get(a["id"], goal["id"]) == goal["id"]]
        return goals

    # --- one value --------------------------------------------------------------------------------

    def _pick(self, key: str, where: str, b: Any, m: Any, t: Any, text=None) -> Any:
        if m == t:
            return m
        if m == b:
            self.taken.append(_("{where} changed").format(where=where))
            return t
        if t == b:
            return m
        side = self._choice(key, t)
        if side is None:
            text = text or (lambda v: str(v))
            self.conflicts.append(Conflict(key, where, m, t, text(m), text(t)))
            return t  # not saved: a merge with conflicts has no data to save
        if side == THEIRS:
            self.taken.append(_("{where} changed").format(where=where))
        return m if side == MINE else t

    def _choice(self, key: str, theirs: Any) -> str | None:
        chosen = self.choices.get(key)
        if chosen and _key(chosen[1]) == _key(theirs):
            return chosen[0]
        return self.unresolved

    def _fields(self, key: str, where: str, b: dict, m: dict, t: dict) -> dict:
        out = {}
        for name in list(dict.fromkeys([*m, *t])):
            if name in _SKIP:
                continue
            label = field_label(name)
            place = f"{where}, {label}" if where else label
            out[name] = self._pick(f"{key}{name}", place, b.get(name), m.get(name), t.get(name),
                                   lambda v, name=name: show(name, v))
        return out

    # --- the team ---------------------------------------------------------------------------------

    def _team(self) -> list[dict]:
        b, m, t = self.base.get("team", []), self.mine.get("team", []), self.theirs.get("team", [])
        if m == t or t == b:
            return m
        if m == b:
            self.taken.append(_("{where} changed").format(where=field_label("team")))
            return t
        if len(b) == len(m) == len(t):
            team = []
            for i, (bs, ms, ts) in enumerate(zip(b, m, t), start=1):
                where = _("team member {n}").format(n=i)
                seat = {name: self._pick(f"team:{i}:{name}", f"{field_label('team')}, {where}, {field_label(name)}",
                                         bs.get(name), ms.get(name), ts.get(name), lambda v, name=name: show(name, v))
                        for name in dict.fromkeys([*ms, *ts])}
                if seat.get("role") in UNNAMED_ROLES:
                    seat["name"] = ""  # one side made the seat a student's: students are listed by role only
                team.append(seat)
            return team
        merged = _merge_lists(b, m, t)
        if merged is not None:
            self.taken.append(_("{where} changed").format(where=field_label("team")))
            return merged
        return self._pick("team", field_label("team"), b, m, t, lambda v: show("team", v))

    # --- goals and activities ---------------------------------------------------------------------

    def _goal_where(self, goal: dict) -> str:
        return self._where(goal["id"])

    def _where(self, goal_id: str, activity_id: str | None = None) -> str:
        for plan in (self.mine, self.theirs, self.base):
            goals = plan.get("goals", [])
            for g, goal in enumerate(goals, start=1):
                if goal.get("id") != goal_id:
                    continue
                if activity_id is None:
                    return _("Goal {n}").format(n=g)
                ids = [a.get("id") for a in goal.get("activities", [])]
                if activity_id in ids:
                    return _("Goal {g}, activity {a}").format(g=g, a=ids.index(activity_id) + 1)
        return _("Goal") if activity_id is None else field_label("what")

    def _goal(self, b: dict, m: dict, t: dict) -> dict:
        gid = m.get("id") or t.get("id")
        out = {"id": gid, **self._fields(f"goal:{gid}:", self._where(gid), b, m, t)}
        out["activities"] = self._items(
            f"goal:{gid}:activity:", b.get("activities", []), m.get("activities", []), t.get("activities", []),
            lambda ba, ma, ta: {"id": ma.get("id") or ta.get("id"),
                                **self._fields(f"activity:{ma.get('id') or ta.get('id')}:",
                                               self._where(gid, ma.get("id") or ta.get("id")), ba, ma, ta)},
            lambda a: self._where(gid, a["id"]))
        return out

    def _items(self, key: str, b_list: list[dict], m_list: list[dict], t_list: list[dict], merge_one, where) -> list:
        """Goals (or one goal's activities) matched by id: each merged, added, deleted, and put in order."""
        b = {x["id"]: x for x in b_list}
        m = {x["id"]: x for x in m_list}
        t = {x["id"]: x for x in t_list}
        kept: dict[str, dict] = {}
        for item_id in dict.fromkeys([*m, *t]):
            if item_id in m and item_id in t:
                kept[item_id] = merge_one(b.get(item_id, {}), m[item_id], t[item_id])
            elif item_id in m:  # not in theirs: I added it, or they deleted it
                if item_id not in b:
                    kept[item_id] = m[item_id]
                elif m[item_id] == b[item_id]:
                    self.taken.append(_("{where} deleted").format(where=where(m[item_id])))
                elif self._keep_deleted(f"{key}{item_id}", where(m[item_id]), m[item_id], None):
                    kept[item_id] = m[item_id]
            else:  # not in mine: they added it, or I deleted it
                if item_id not in b:
                    self.taken.append(_("{where} added").format(where=where(t[item_id])))
                    kept[item_id] = t[item_id]
                elif t[item_id] != b[item_id] and self._keep_deleted(f"{key}{item_id}", where(t[item_id]),
                                                                   None, t[item_id]):
                    kept[item_id] = t[item_id]
        order = self._order(key, [x["id"] for x in b_list], [x["id"] for x in m_list],
                            [x["id"] for x in t_list], kept)
        return [kept[i] for i in order]

    def _keep_deleted(self, key: str, where: str, m: dict | None, t: dict | None) -> bool:
        """One side deleted what the other changed: keep it or not, as the person chooses."""
        kept = self._pick(key, where, "(changed)", _present(m), _present(t),
                          lambda v: _describe_item(v, m if m is not None else t))
        return kept == "kept"

    def _order(self, key: str, b: list[str], m: list[str], t: list[str], kept: dict) -> list[str]:
        shared = set(b) & set(m) & set(t)
        b_rel, m_rel, t_rel = ([i for i in ids if i in shared] for ids in (b, m, t))
        labels = {i: self._label(key, i) for i in [*m, *t]}
        words = lambda ids: "; ".join(f"{n}. {labels[i]}" for n, i in enumerate(ids, start=1))  # noqa: E731
        where = _("The order of the goals") if key == "goal:" else \
            _("The order of the activities of {goal}").format(goal=self._where(key.split(":")[1]))
        chosen = self._pick(f"{key}order", where, b_rel, m_rel, t_rel, words)
        first, second = (m, t) if chosen == m_rel and m_rel != b_rel else (t, m)
        order = [i for i in first if i in kept]
        for n, item_id in enumerate(second):
            if item_id in kept and item_id not in order:
                before = next((p for p in reversed(second[:n]) if p in order), None)
                order.insert(order.index(before) + 1 if before else 0, item_id)
        return order + [i for i in kept if i not in order]

    def _label(self, key: str, item_id: str) -> str:
        for plan in (self.mine, self.theirs):
            for goal in plan.get("goals", []):
                if key == "goal:" and goal["id"] == item_id:
                    return short(goal.get("title") or kind_name(goal.get("kind", "")), 50)
                for activity in goal.get("activities", []):
                    if activity["id"] == item_id:
                        return short(activity.get("what") or _("(not written yet)"), 50)
        return item_id


def _present(item: dict | None) -> str:
    return "kept" if item is not None else "deleted"


def _describe_item(state: str, item: dict) -> str:
    if state == "deleted":
        return _("Deleted")
    title = item.get("title") if "title" in item else item.get("what")
    return _("Kept, with changes: {what}").format(what=short(title, 80)) if title else _("Kept, with changes")


def _merge_lists(base: list, mine: list, theirs: list) -> list | None:
    """Both sides' edits of a list whose items have no ids, when they touch different places
    (both adding at one place keeps both); None when they overlap."""
    b = [_key(x) for x in base]

    def edits(other: list) -> list[tuple[int, int, list]]:
        o = [_key(x) for x in other]
        matcher = SequenceMatcher(a=b, b=o, autojunk=False)
        return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]

    mine_edits, their_edits = edits(mine), edits(theirs)
    for mine_edit in mine_edits:
        for their_edit in their_edits:
            if mine_edit != their_edit and _overlap(mine_edit[:2], their_edit[:2]):
                return None
    changes = sorted({(i1, i2, _key(rep)): (i1, i2, rep) for i1, i2, rep in mine_edits + their_edits}.values(),
                     key=lambda e: (e[0], e[1]))
    out, pos = [], 0
    for i1, i2, rep in changes:
        out.extend(base[pos:i1])
        out.extend(rep)
        pos = max(pos, i2)
    return out + base[pos:]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two edits of a list touch the same place: ``(start, end)`` in the base list, an
    insertion being ``(at, at)``. Two insertions at one place do not (both are kept)."""
    (a1, a2), (b1, b2) = a, b
    if a1 == a2 and b1 == b2:
        return False
    if a1 == a2:
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return a1 < b2 and b1 < a2
