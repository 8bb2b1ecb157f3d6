"""The whole curriculum: one field per YAML file in this folder (file ``six_types.yaml`` -> field
``six_types``). To add a file: write its model (in ``models.py``, or in a ``models_<area>.py`` that
imports the building blocks from ``models``), then add one field here."""

from __future__ import annotations

from .models import (
    AgendasFile,
    DefinitionFile,
    DistrictSupportFile,
    DualCapacityFile,
    ImpactFile,
    Model,
    ModulesFile,
    NnpsFile,
    PlaysFile,
    RolesFile,
    ScalesFile,
    SixTypesFile,
    SourcesFile,
    StandardsFile,
    StudiesFile,
)
from .models_cases import CasesFile, ResponsibilitiesFile
from .models_exercises import ExercisesFile
from .models_guides import GuidesFile
from .models_modules import (
    CapacityCheckFile,
    EvaluationFile,
    GlossaryFile,
    HomeVisitsFile,
    ScenariosFile,
    SelfAssessmentFile,
)
from .models_plan import PlanRulesFile


class Curriculum(Model):
    """Everything in ``content/``; one field per YAML file."""

    sources: SourcesFile
    studies: StudiesFile
    roles: RolesFile
    definition: DefinitionFile
    district_support: DistrictSupportFile
    dual_capacity: DualCapacityFile
    six_types: SixTypesFile
    standards: StandardsFile
    impact: ImpactFile
    plays: PlaysFile
    responsibilities: ResponsibilitiesFile
    cases: CasesFile
    nnps: NnpsFile
    scales: ScalesFile
    agendas: AgendasFile
    modules: ModulesFile
    plan_rules: PlanRulesFile
    exercises: ExercisesFile
    guides: GuidesFile
    scenarios: ScenariosFile
    capacity_check: CapacityCheckFile
    self_assessment: SelfAssessmentFile
    home_visits: HomeVisitsFile
    evaluation: EvaluationFile
    glossary: GlossaryFile
