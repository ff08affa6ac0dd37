"""Writes of the insights app: a program admin changes the risk rules."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mentora.insights.models import RiskPolicy

EDITABLE = (
    "window_weeks",
    "concern_weight",
    "not_a_fit_weight",
    "missed_threshold",
    "missed_weight",
    "no_session_weeks",
    "no_session_weight",
    "no_goal_threshold",
    "no_goal_weight",
    "low_rating_max",
    "low_feedback_weight",
    "overdue_threshold",
    "overdue_weight",
    "unmarked_weight",
    "no_mentor_weight",
    "no_success_manager_weight",
)


def risk_policy_update(*, policy: RiskPolicy, values: dict[str, Any]) -> RiskPolicy:
    """Set the given thresholds and weights, check them against the model's limits
    (ValidationError names the field) and save, all or nothing."""
    for name in EDITABLE:
        if name in values:
            setattr(policy, name, values[name])
    policy.full_clean()
    with transaction.atomic():
        policy.save(update_fields=[n for n in EDITABLE if n in values])
    return policy
