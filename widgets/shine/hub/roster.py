"""Who may log in to the hub, and the hub groups that say what each person is.

A roster is a small YAML file (``SHINE_HUB_ROSTER``; ``deploy/hub/roster.example.yaml``)::

    admins: [lead]                 # hub administrators (they can reach every server)
    trainers: [maria, jose]        # the group "trainers"
    state: [sam]                   # the group "state": the state's own staff
    districts:                     # one group "district-<name>" each
      Groton: [ana, carlos, dee]
      Windsor: [ben, femi, gus]

Everyone named anywhere may log in. The group names are the ones the rest of the programme reads
(scoped data, courses): ``trainers``, ``state`` and ``district-<name>`` (lower case, spaces as -).
Names must be valid OS user names, since each person's server runs as their own OS user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shine.i18n import _

USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")  # what useradd accepts, and JupyterHub keeps as is
KEYS = ("admins", "trainers", "state", "districts")
TRAINERS, STATE, DISTRICT_PREFIX = "trainers", "state", "district-"


class RosterError(ValueError):
    def __init__(self, path: Path | None, problems: list[str]):
        self.problems = problems
        where = f"{path}: " if path else ""
        super().__init__(where + " ".join(problems))


def district_group(name: str) -> str:
    """``"New London"`` -> ``"district-new-london"``."""
    return DISTRICT_PREFIX + "-".join(name.lower().split())


@dataclass
class Roster:
    admins: list[str] = field(default_factory=list)
    trainers: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    districts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def users(self) -> set[str]:
        names = {*self.admins, *self.trainers, *self.state}
        for members in self.districts.values():
            names.update(members)
        return names

    def groups(self) -> dict[str, list[str]]:
        """Hub groups and their members, as ``JupyterHub.load_groups`` takes them (without properties)."""
        found = {TRAINERS: sorted(set(self.trainers)), STATE: sorted(set(self.state))}
        for district, members in self.districts.items():
            found.setdefault(district_group(district), [])
            found[district_group(district)] = sorted({*found[district_group(district)], *members})
        return {name: members for name, members in found.items() if members}

    @classmethod
    def from_data(cls, data: object, path: Path | None = None) -> "Roster":
        problems: list[str] = []
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise RosterError(path, [_("A roster is a list of names under admins, trainers, state and "
                                       "districts.")])
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
        roster = cls(admins=names(data.get("admins"), "admins"), trainers=names(data.get("trainers"), "trainers"),
                     state=names(data.get("state"), "state"),
                     districts={str(d).strip(): names(m, str(d)) for d, m in districts_data.items()
                                if str(d).strip()})
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
        data = {"admins": self.admins, "trainers": self.trainers, "state": self.state, "districts": self.districts}
        return yaml.safe_dump({k: v for k, v in data.items() if v}, allow_unicode=True, sort_keys=False)
