"""A program's risk rules: each signal's threshold and weight.

The caseload orders mentees by the sum of the weights of the signals that fire
(risk.py). Every number is a setting of the program, kept here rather than on
Program so this app owns its own migrations; a program without a row gets the
defaults (`RiskPolicy.for_program`).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentora.programs.models import Program


def _weight(default: int, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=default,
        validators=[MaxValueValidator(100)],
        help_text=f"{help_text} Weight 0 switches the signal off.",
    )


def _threshold(default: int, maximum: int, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(maximum)],
        help_text=help_text,
    )


class RiskPolicy(models.Model):
    """How a program scores risk in a success manager's caseload."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="risk_policy")
    window_weeks = _threshold(
        4, 26, "Signals about recent sessions, feedback and reflections look back this many weeks."
    )
    concern_weight = _weight(40, "An open concern about one of the mentee's mentorships.")
    not_a_fit_weight = _weight(
        35, "A pulse answered “not a fit” or a reflection saying the mentorship makes no sense."
    )
    missed_threshold = _threshold(
        2, 20, "Late cancellations and no-shows within the window that raise the signal."
    )
    missed_weight = _weight(25, "Repeatedly missed sessions.")
    no_session_weeks = _threshold(3, 26, "Weeks without a held session that raise the signal.")
    no_session_weight = _weight(20, "No session held recently.")
    no_goal_threshold = _threshold(
        1, 20, "Sessions held without a written goal, within the window, that raise the signal."
    )
    no_goal_weight = _weight(10, "Sessions held without a goal.")
    low_rating_max = _threshold(2, 4, "A feedback rating at or below this is low.")
    low_feedback_weight = _weight(15, "Low feedback within the window.")
    overdue_threshold = _threshold(1, 50, "Overdue action items that raise the signal.")
    overdue_weight = _weight(10, "Overdue action items.")
    unmarked_weight = _weight(
        10, "Attendance not recorded after the program's unmarked-session delay."
    )
    no_mentor_weight = _weight(30, "The mentee has no live mentorship: waiting for a mentor.")
    no_success_manager_weight = _weight(20, "No success manager looks after the mentee.")

    class Meta:
        verbose_name = "risk policy"
        verbose_name_plural = "risk policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_weeks__gte=1, no_session_weeks__gte=1),
                name="risk_policy_windows_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk policy of {self.program}"

    @classmethod
    def for_program(cls, program: Program) -> RiskPolicy:
        """The program's policy, created with the defaults the first time it is asked for."""
        policy, _ = cls.objects.get_or_create(program=program)
        return policy
