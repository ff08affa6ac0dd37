"""Forms for staff matching: one-click match, a new bulk match, and pins/exclusions on a preview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms import BoundField

from mentora.accounts.models import User
from mentora.matching import staff_queries as q
from mentora.matching.models import BulkMatchRow, BulkObjective
from mentora.programs.models import Program

MAX_ID = 2**31 - 1


class MatchForm(forms.Form):
    mentor = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)


def _places(capacity: int, load: int) -> str:
    return f"{load} of {capacity} place{'s' if capacity != 1 else ''} taken"


class BulkMatchForm(forms.Form):
    """Who to match with whom, and how. Mentees are the unmatched ones of a cohort (or all)."""

    cohort = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=forms.HiddenInput
    )
    mentees = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Mentees to match",
        help_text="Active mentees without a mentor. All are chosen to start with.",
        error_messages={"required": "Choose at least one mentee."},
    )
    mentors = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Mentor pool",
        help_text="Mentors with a place left are chosen to start with; a full one takes nobody.",
        error_messages={"required": "Choose at least one mentor."},
    )
    objective = forms.ChoiceField(
        choices=BulkObjective.choices,
        initial=BulkObjective.TOTAL_FIT,
        widget=forms.RadioSelect,
        label="Objective",
        help_text=(
            "Most mentees matched first gives someone a mentor before it raises anyone's fit."
        ),
    )
    min_score = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Minimum fit (0–100)",
        help_text="A mentee stays unmatched rather than get a mentor below this fit.",
    )

    def __init__(self, *args: Any, program: Program, cohort_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohorts = list(program.cohorts.order_by("name").values_list("pk", "name"))
        mentees = list(q.unmatched_mentees(program, cohort_id))
        pool = list(q.mentor_pool(program))
        self.fields["cohort"].choices = [("", "All cohorts"), *cohorts]  # type: ignore[attr-defined]
        self.fields["mentees"].choices = [  # type: ignore[attr-defined]
            (m.user_id, f"{m.user.name}" + (f" · {m.cohort.name}" if m.cohort else ""))
            for m in mentees
        ]
        self.fields["mentors"].choices = [  # type: ignore[attr-defined]
            (p.user_id, f"{p.user.name} · {_places(p.capacity, p.live_load)}")  # type: ignore[attr-defined]
            for p in pool
        ]
        self.initial.setdefault("cohort", cohort_id)
        self.initial.setdefault("mentees", [m.user_id for m in mentees])
        self.initial.setdefault(
            "mentors",
            [p.user_id for p in pool if p.capacity > p.live_load],  # type: ignore[attr-defined]
        )
        self.initial.setdefault("min_score", program.min_match_score)


class PinsForm(forms.Form):
    """On a preview: pin a mentee to a mentor of the pool, or exclude a proposed pair."""

    def __init__(
        self,
        *args: Any,
        rows: Sequence[BulkMatchRow],
        pool: Sequence[User],
        pins: Sequence[tuple[int, int]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        choices = [("", "No pin"), *((u.pk, u.name) for u in pool)]
        pinned = dict(pins)
        for row in self.rows:
            self.fields[f"pin_{row.mentee_id}"] = forms.TypedChoiceField(
                coerce=int,
                empty_value=None,
                required=False,
                choices=choices,
                initial=pinned.get(row.mentee_id),
                label=f"Pin {row.mentee.name} to",
            )
            if row.mentor is not None and not row.pinned:
                self.fields[f"exclude_{row.mentee_id}"] = forms.BooleanField(
                    required=False, label=f"Never pair {row.mentee.name} with {row.mentor.name}"
                )

    def row_fields(self) -> list[tuple[BulkMatchRow, BoundField, BoundField | None]]:
        return [
            (
                row,
                self[f"pin_{row.mentee_id}"],
                self[f"exclude_{row.mentee_id}"]
                if f"exclude_{row.mentee_id}" in self.fields
                else None,
            )
            for row in self.rows
        ]

    def pins(self) -> list[tuple[int, int]]:
        return [
            (row.mentee_id, self.cleaned_data[f"pin_{row.mentee_id}"])
            for row in self.rows
            if self.cleaned_data.get(f"pin_{row.mentee_id}")
        ]

    def excluded(self) -> list[tuple[int, int]]:
        return [
            (row.mentee_id, row.mentor_id)
            for row in self.rows
            if row.mentor_id is not None and self.cleaned_data.get(f"exclude_{row.mentee_id}")
        ]
