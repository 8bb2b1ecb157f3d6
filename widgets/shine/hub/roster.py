"""Who may log in to the hub, and the hub groups that say what each person is.

A roster is a small YAML file (``SHINE_HUB_ROSTER``; ``deploy/hub/roster.example.yaml``)::

    admins: [lead]                 # hub administrators (they can reach every server)
    trainers: [maria, jose]        # the group "trainers"
    state: [sam]                   # the group "state": the state's own staff
    districts:                     # one group "district-<name>" each
      Groton: [ana, carlos, dee]
      Windsor: [ben, femi, gus]
    schools:                       # each participant's school team (scoped data, shine.hub.dbroles)
      Groton:
        Fitch High School: [ana, carlos]   # dee, in no school, leads the district: sees all of Groton
      Windsor:
        Windsor High School: [femi, gus]
    courses:                       # nbgrader courses (shine.hub.courses)
      groton-fall:
        trainers: [maria]          # the group "formgrade-groton-fall": the course's formgrader
        participants: [ana, carlos, dee]   # the group "nbgrader-groton-fall": its assignments
    rooms: [K7QX2M]                # workshops served as /services/room-<code>/ (shine.hub.rooms)

Everyone named anywhere may log in. The group names are the ones the rest of the programme reads
(scoped data, courses): ``trainers``, ``state``, ``district-<name>`` (lower case, spaces as -),
and nbgrader's own ``nbgrader-<course>`` and ``formgrade-<course>``. Names must be valid OS user
names, since each person's server runs as their own OS user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shine.i18n import _

USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")  # what useradd accepts, and JupyterHub keeps as is
KEYS = ("admins", "trainers", "state", "districts", "schools", "courses", "rooms")
TRAINERS, STATE, DISTRICT_PREFIX = "trainers", "state", "district-"
PARTICIPANTS_PREFIX, GRADERS_PREFIX = "nbgrader-", "formgrade-"  # nbgrader's names (its JupyterHubAuthPlugin)
# A course id is also the name of its formgrader service (nbgrader's course list links to
# /services/<course id>/) and part of a database's name: short, lower case, no room- prefix.
COURSE_ID = re.compile(r"^[a-z][a-z0-9-]{1,23}[a-z0-9]$")  # grader-<course id> is an OS user name (<= 32)
RESERVED_SERVICES = ("idle-culler",)
ROOM_CODE = re.compile(r"^[A-Z0-9]{4,12}$")


class RosterError(ValueError):
    def __init__(self, path: Path | None, problems: list[str]):
        self.problems = problems
        where = f"{path}: " if path else ""
        super().__init__(where + " ".join(problems))


def district_group(name: str) -> str:
    """``"New London"`` -> ``"district-new-london"``."""
    return DISTRICT_PREFIX + "-".join(name.lower().split())


@dataclass
class CourseEntry:
    """One nbgrader course on the hub: who grades it and who takes it."""

    trainers: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)

    def to_data(self) -> dict:
        return {"trainers": self.trainers, "participants": self.participants}


@dataclass
class Roster:
    admins: list[str] = field(default_factory=list)
    trainers: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    districts: dict[str, list[str]] = field(default_factory=dict)
    courses: dict[str, CourseEntry] = field(default_factory=dict)
    rooms: list[str] = field(default_factory=list)
    schools: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # district -> school -> names

    def memberships(self) -> list[tuple[str, str, str, str]]:
        """``(name, kind, district, school)`` for the store's scope (:mod:`shine.store.scope`):
        admins and trainers ``trainer``; ``state``; a district's people in one of its schools
        ``team``, the others ``leader`` of their district."""
        rows = {(name, "trainer", "", "") for name in [*self.admins, *self.trainers]}
        rows |= {(name, "state", "", "") for name in self.state}
        for district, schools in self.schools.items():
            rows |= {(name, "team", district, school) for school, names in schools.items() for name in names}
        for district, members in self.districts.items():
            placed = {name for names in self.schools.get(district, {}).values() for name in names}
            rows |= {(name, "leader", district, "") for name in members if name not in placed}
        return sorted(rows)

    @property
    def users(self) -> set[str]:
        names = {*self.admins, *self.trainers, *self.state}
        for members in self.districts.values():
            names.update(members)
        for course in self.courses.values():
            names.update(course.trainers, course.participants)
        for schools in self.schools.values():
            for members in schools.values():
                names.update(members)
        return names

    def groups(self) -> dict[str, list[str]]:
        """Hub groups and their members, as ``JupyterHub.load_groups`` takes them (without properties)."""
        found = {TRAINERS: sorted(set(self.trainers)), STATE: sorted(set(self.state))}
        for district, members in self.districts.items():
            found.setdefault(district_group(district), [])
            found[district_group(district)] = sorted({*found[district_group(district)], *members})
        for district, schools in self.schools.items():  # a school's people are of its district
            found[district_group(district)] = sorted({*found.get(district_group(district), []),
                                                      *(n for names in schools.values() for n in names)})
        for course_id, course in self.courses.items():
            found[GRADERS_PREFIX + course_id] = sorted(set(course.trainers))
            found[PARTICIPANTS_PREFIX + course_id] = sorted(set(course.participants))
        return {name: members for name, members in found.items() if members}

    @classmethod
    def from_data(cls, data: object, path: Path | None = None) -> "Roster":
        problems: list[str] = []
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise RosterError(path, [_("A roster is a list of names under admins, trainers, state, "
                                       "districts, courses and rooms.")])
        unknown = sorted(set(map(str, data)) - set(KEYS))
        if unknown:
            problems.append(_("Unknown entries {names}; a roster has only {keys}.").format(
                names=", ".join(unknown), keys=", ".join(KEYS)))

        def names(value: object, where: str) -> list[str]:
            if value is None:
                return []
            if not isinstance(value, list):
                problems.append(_("{where} must be a list of names.").format(where=where))
                return []
            bad = [str(v) for v in value if not isinstance(v, str) or not USERNAME.match(v)]
            if bad:
                problems.append(_("{where}: {names} cannot be user names (lower-case letters, digits, - and _, "
                                  "at most 32, not starting with a digit or -).").format(
                    where=where, names=", ".join(repr(b) for b in bad)))
            return [v for v in value if isinstance(v, str) and USERNAME.match(v)]

        districts_data = data.get("districts") or {}
        if not isinstance(districts_data, dict):
            problems.append(_("districts must map each district's name to a list of names."))
            districts_data = {}
        courses = _courses(data.get("courses"), names, problems)
        rooms_data = data.get("rooms") or []
        if not isinstance(rooms_data, list):
            problems.append(_("rooms must be a list of workshop join codes."))
            rooms_data = []
        rooms = [str(code).strip().upper() for code in rooms_data if str(code).strip()]
        bad_rooms = [code for code in rooms if not ROOM_CODE.match(code)]
        if bad_rooms:
            problems.append(_("rooms: {codes} are not workshop join codes (4 to 12 letters and digits).").format(
                codes=", ".join(repr(c) for c in bad_rooms)))
        roster = cls(admins=names(data.get("admins"), "admins"), trainers=names(data.get("trainers"), "trainers"),
                     state=names(data.get("state"), "state"),
                     districts={str(d).strip(): names(m, str(d)) for d, m in districts_data.items()
                                if str(d).strip()},
                     courses=courses, rooms=[c for c in dict.fromkeys(rooms) if ROOM_CODE.match(c)],
                     schools=_schools(data.get("schools"), names, problems))
        if problems:
            raise RosterError(path, problems)
        return roster

    @classmethod
    def load(cls, path: Path) -> "Roster":
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RosterError(path, [_("The roster cannot be read: {error}").format(error=exc)]) from None
        return cls.from_data(data, path)

    def to_yaml(self) -> str:
        data = {"admins": self.admins, "trainers": self.trainers, "state": self.state, "districts": self.districts,
                "schools": self.schools, "courses": {cid: course.to_data() for cid, course in self.courses.items()}, "rooms": self.rooms}
        return yaml.safe_dump({k: v for k, v in data.items() if v}, allow_unicode=True, sort_keys=False)


def _courses(value: object, names, problems: list[str]) -> dict[str, CourseEntry]:
    """The roster's ``courses:``: course id -> trainers and participants."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(_("courses must map each course id to its trainers and participants."))
        return {}
    found = {}
    for raw_id, entry in value.items():
        course_id = str(raw_id).strip()
        if not COURSE_ID.match(course_id) or course_id in RESERVED_SERVICES or course_id.startswith("room-"):
            problems.append(_("{course!r} cannot be a course id: 3 to 25 lower-case letters, digits and -, starting "
                              "with a letter, not starting with room-.").format(course=course_id))
            continue
        if not isinstance(entry, dict) or set(map(str, entry)) - {"trainers", "participants"}:
            problems.append(_("Course {course}: give its trainers and participants, each a list of names.").format(
                course=course_id))
            continue
        course = CourseEntry(trainers=names(entry.get("trainers"), f"{course_id}: trainers"),
                             participants=names(entry.get("participants"), f"{course_id}: participants"))
        if not course.trainers:
            problems.append(_("Course {course} has no trainer: nobody could grade it.").format(course=course_id))
        found[course_id] = course
    return found


def _schools(value: object, names, problems: list[str]) -> dict[str, dict[str, list[str]]]:
    """The roster's ``schools:``: district -> school -> the names of that school's team."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        problems.append(_("schools must map each district to its schools, each a list of names."))
        return {}
    return {str(d).strip(): {str(s).strip(): names(m, f"{d}: {s}") for s, m in schools.items() if str(s).strip()}
            for d, schools in value.items() if str(d).strip()}
