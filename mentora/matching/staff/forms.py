"""Forms for staff matching: one-click match, a new bulk match, and pins/exclusions on a preview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from mentora import inputs
from mentora.accounts.models import User
from mentora.matching.models import BulkMatchRow, BulkObjective
from mentora.matching.staff import queries as q
from mentora.programs.models import Program


class MatchForm(inputs.Form):
    mentor = inputs.IdField()


def _places(capacity: int, load: int) -> str:
    return f"{load} of {capacity} place{'s' if capacity != 1 else ''} taken"


# Up to this many people a side is a list of checkboxes, each chosen or not;
# beyond, the side is everyone the cohort and search select, shown a page at a
# time (10,000 checkbox widgets took 3 s and 2 MB of HTML). Leaving one person
# out of a large match is done on the preview, with an exclusion.
PICK_LIMIT = 200
SEARCH_MAX = 100


class BulkMatchForm(inputs.Form):
    """Who to match with whom, and how. Mentees are the unmatched ones of a cohort (or all),
    narrowed by a search; the mentor pool is the program's mentors, narrowed by a search."""

    cohort = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=forms.HiddenInput
    )
    mentees = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=_("Mentees to match"),
        help_text=_("Active mentees without a mentor. All are chosen to start with."),
        error_messages={
            "required": _("Choose at least one mentee."),
            "invalid_choice": _(
                "A chosen mentee isn't an unmatched mentee here any more. "
                "The list below is up to date: choose again."
            ),
        },
    )
    mentors = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=_("Mentor pool"),
        help_text=_("Mentors with a place left are chosen to start with; a full one takes nobody."),
        error_messages={
            "required": _("Choose at least one mentor."),
            "invalid_choice": _(
                "A chosen mentor isn't a mentor of this program any more. "
                "The list below is up to date: choose again."
            ),
        },
    )
    objective = forms.ChoiceField(
        choices=BulkObjective.choices,
        initial=BulkObjective.TOTAL_FIT,
        widget=forms.RadioSelect,
        label=_("Objective"),
        help_text=(
            _("Most mentees matched first gives someone a mentor before it raises anyone's fit.")
        ),
    )
    min_score = inputs.BoundedIntegerField(
        min_value=0,
        max_value=100,
        label=_("Minimum fit (0–100)"),
        help_text=_("A mentee stays unmatched rather than get a mentor below this fit."),
    )

    def __init__(
        self,
        *args: Any,
        program: Program,
        cohort_id: int | None,
        search: str = "",
        mentor_search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cohorts = list(program.cohorts.order_by("name").values_list("pk", "name"))
        self.fields["cohort"].choices = [("", _("All cohorts")), *cohorts]  # type: ignore[attr-defined]
        self.initial.setdefault("cohort", cohort_id)
        # The searches in effect: the view reads them (GET or POST) and cuts them to
        # SEARCH_MAX; the page carries them as hidden inputs, not as fields to refuse.
        self.search, self.mentor_search = search, mentor_search
        self.initial.setdefault("min_score", program.min_match_score)
        # Who each side is: the page lists them, the match takes them.
        self.mentee_set = q.unmatched_mentees(program, cohort_id, search)
        self.mentor_set = q.mentor_pool(program, mentor_search)
        self.mentee_total = self.mentee_set.count()
        self.mentor_total = self.mentor_set.count()
        self.mentees_listed = self.mentee_total > PICK_LIMIT
        self.mentors_listed = self.mentor_total > PICK_LIMIT
        if self.mentees_listed:
            del self.fields["mentees"]
        else:
            self._offer_mentees(list(self.mentee_set))
        if self.mentors_listed:
            del self.fields["mentors"]
        else:
            self._offer_mentors(list(self.mentor_set))

    def _offer_mentees(self, mentees: list[Any]) -> None:
        self.fields["mentees"].choices = [  # type: ignore[attr-defined]
            (m.user_id, f"{m.user.name}" + (f" · {m.cohort.name}" if m.cohort else ""))
            for m in mentees
        ]
        self.initial.setdefault("mentees", [m.user_id for m in mentees])

    def _offer_mentors(self, pool: list[Any]) -> None:
        self.fields["mentors"].choices = [  # type: ignore[attr-defined]
            (p.user_id, f"{p.user.name} · {_places(p.capacity, p.live_load)}") for p in pool
        ]
        self.initial.setdefault("mentors", [p.user_id for p in pool if p.capacity > p.live_load])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A listed side is everyone it shows as the form is sent, not as it was read.
        if self.mentees_listed:
            data["mentees"] = list(self.mentee_set.values_list("user_id", flat=True))
            if not data["mentees"]:
                self.add_error(None, _("Choose at least one mentee."))
        if self.mentors_listed:
            data["mentors"] = list(q.with_room(self.mentor_set).values_list("user_id", flat=True))
            if not data["mentors"]:
                self.add_error(None, _("No mentor of this pool has a place left."))
        return data


class PinsForm(inputs.Form):
    """On a preview: pin one more pair, remove pins, exclude proposed pairs.

    One "pin a pair" choice (a mentee of the run, a mentor of the pool) rather
    than a mentor list per row, so the page grows with mentees plus mentors,
    not with their product.
    """

    pin_mentee = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("Pin mentee")
    )
    pin_mentor = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("to mentor")
    )

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
        self.earlier_pins = dict(pins)
        self.fields["pin_mentee"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a mentee")),
            *((r.mentee_id, r.mentee.name) for r in sorted(self.rows, key=lambda r: r.mentee.name)),
        ]
        self.fields["pin_mentor"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a mentor")),
            *((u.pk, u.name) for u in pool),
        ]
        # Written here at once, not by the widget or a template loop: a national
        # pool has thousands of mentors, and a template per option took most of the page.
        chosen = "" if self["pin_mentor"].value() is None else str(self["pin_mentor"].value())
        self.mentor_options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((u.pk, mark_safe(" selected") if str(u.pk) == chosen else "", u.name) for u in pool),
        )
        for row in self.rows:
            if row.mentee_id in self.earlier_pins:
                self.fields[f"unpin_{row.mentee_id}"] = forms.BooleanField(
                    required=False, label=_("Remove the pin")
                )
            elif row.mentor_id is not None:
                self.fields[f"exclude_{row.mentee_id}"] = forms.BooleanField(
                    required=False, label=_("Exclude this pair")
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("pin_mentee") is None) != (data.get("pin_mentor") is None):
            raise forms.ValidationError(_("To pin a pair, choose both a mentee and a mentor."))
        return data

    def box_for(self, row: BulkMatchRow) -> BoundField | None:
        """The row's checkbox: "remove the pin" or "exclude this pair" (or none)."""
        for name in (f"unpin_{row.mentee_id}", f"exclude_{row.mentee_id}"):
            if name in self.fields:
                return self[name]
        return None

    def pins(self) -> list[tuple[int, int]]:
        """Earlier pins not removed, with the new pin (which replaces its mentee's old one)."""
        kept = {
            mentee: mentor
            for mentee, mentor in self.earlier_pins.items()
            if not self.cleaned_data.get(f"unpin_{mentee}")
        }
        if self.cleaned_data.get("pin_mentee") is not None:
            kept[self.cleaned_data["pin_mentee"]] = self.cleaned_data["pin_mentor"]
        return list(kept.items())

    def excluded(self) -> list[tuple[int, int]]:
        return [
            (row.mentee_id, row.mentor_id)
            for row in self.rows
            if row.mentor_id is not None and self.cleaned_data.get(f"exclude_{row.mentee_id}")
        ]
