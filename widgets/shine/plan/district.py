"""A district's plans: every team with its latest plan for a year, as a district leader collects them."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Plan, PlanError, latest, type_ids
from .rules import check


@dataclass(frozen=True)
class TeamPlanStatus:
    """One row of the district view: a team, its latest plan, and how it stands on the rules."""

    team_id: int
    district: str
    school: str
    level: str | None
    version: int | None
    plan: Plan | None
    errors: int
    warnings: int
    types: dict[str, int]
    problem: str | None = None  # the saved plan cannot be read

    @property
    def ready(self) -> bool:
        return self.plan is not None and self.errors == 0


def district_plans(store, district: str, school_year: str) -> list[TeamPlanStatus]:
    """Every team of a district with its latest plan for the year: what a district leader collects."""
    rows = []
    for team in store.teams.all(district):
        found, problem = None, None
        try:
            found = latest(store, team.id, school_year)
        except PlanError as exc:
            problem = "; ".join(exc.problems)
        if found is None:
            rows.append(TeamPlanStatus(team.id, team.district, team.school, team.level, None, None, 0, 0,
                                       {t: 0 for t in type_ids()}, problem))
            continue
        version, plan = found
        report = check(plan)
        rows.append(TeamPlanStatus(team.id, team.district, team.school, team.level, version, plan,
                                   len(report.errors), len(report.warnings), plan.types_covered()))
    return rows
