"""The levy-transfer rule book: every figure is dated data with a source, and the share comes from the funding rules."""

import json
from datetime import date
from decimal import Decimal

from apprenticeships.funding.rules import rules_on
from apprenticeships.funding.transfers import TRANSFER_RULES_FILE, criteria_misses, transfer_rules_on


def test_every_rule_names_its_source():
    for rule_set in json.loads(TRANSFER_RULES_FILE.read_text())["rule_sets"]:
        assert rule_set["source"].startswith("https://")
        rules = {k: v for k, v in rule_set.items() if isinstance(v, dict)}
        assert rules and all(v["source"].startswith("https://") for v in rules.values()), rules


def test_the_rules_in_force_in_december_2026():
    rules = transfer_rules_on(date(2026, 12, 6))

    assert (rules.minimum_pledge, rules.close_below) == (Decimal(2000), Decimal(2000))
    assert (rules.delayed_auto_approval_days, rules.approval_acceptance_days) == (42, 42)
    assert (rules.accepted_expiry_months, rules.max_locations) == (3, 20)
    assert rules.transfer_share == rules_on(date(2026, 12, 6)).transfer_share == Decimal("0.50")


def test_a_vacancy_meets_a_pledges_criteria_only_when_every_one_fits():
    fits = dict(level=4, route="Digital", local_authority="E08000012", vacancy_age_groups=["19-21", "22-24"])
    pledge = dict(levels=[4], routes=["Digital"], local_authorities=["E08000012"], age_groups=["19-21", "22-24"])

    assert criteria_misses(**pledge, **fits) == []
    assert criteria_misses(**{**pledge, "levels": [3]}, **fits)
    assert criteria_misses(**{**pledge, "routes": ["Construction"]}, **fits)
    assert criteria_misses(**{**pledge, "local_authorities": ["E08000015"]}, **fits)
    assert criteria_misses(**{**pledge, "age_groups": ["19-21"]}, **fits)
    anywhere = dict(levels=[], routes=[], local_authorities=[], age_groups=[])
    assert criteria_misses(**anywhere, **fits, region={"E08000012"}) == []
    assert criteria_misses(**anywhere, **{**fits, "local_authority": "E09000001"}, region={"E08000012"})
