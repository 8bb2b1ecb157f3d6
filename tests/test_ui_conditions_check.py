"""Module 3: checking a planned event against the framework's conditions."""

from __future__ import annotations

from conftest import text_of

from shine import content
from shine.lessons.capacity.conditions_check import ConditionsCheck


def test_ticked_conditions_count_and_the_missing_ones_become_suggestions():
    c = ConditionsCheck()
    v2 = content.get("dcbf_version", "dcbf-v2")
    assert c.version.value == "dcbf-v2"
    total = len(v2.process_conditions) + len(v2.organizational_conditions)
    assert len(c.checks) == total
    c.plan.value = "Fall reading workshop"
    c.checks["v2-relational"].value = True
    c.checks["v2-interactive"].value = True
    c.check.click()
    text = text_of(c.result)
    assert f"meets 2 of {total} conditions" in text and "Essential Conditions" in text
    assert "Asset-based" in text and "Relational:" not in text


def test_all_conditions_met_and_switching_version_starts_afresh():
    c = ConditionsCheck()
    for box in c.checks.values():
        box.value = True
    c.check.click()
    assert "Every condition is there" in text_of(c.result)
    c.version.value = "dcbf-v1"
    assert c.result.value == "" and not any(b.value for b in c.checks.values())
    assert "v1-development-orientation" in c.checks
