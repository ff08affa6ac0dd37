"""Writes about people: a person's account, profiles and background, saved together.

`profile_update` is the one way to change them; pages and the API both call it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from mentora.accounts import hooks
from mentora.accounts.choices import FLAG_BACKGROUND_FIELDS, BackgroundField, Visibility
from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    Technology,
    User,
)

MAX_TAGS = 30
MAX_TAG_LENGTH = 40
# Letters and digits in any script, plus what real names use: C++, C#, Node.js, CI/CD.
_TAG_PATTERN = re.compile(r"^(?:[^\W_]|[ +#./-])+$")
FLAG_VALUE = "yes"

# Only these fields may be written through the service; anything else is a bug.
# The profile page's forms list the same tuples, in the order they show them.
ACCOUNT_FIELDS = ("name", "time_zone", "preferred_language")
MENTOR_FIELDS = (
    "headline",
    "bio",
    "knowledge_areas",
    "years_experience",
    "career_stage",
    "current_role",
    "company",
    "education_path",
    "languages",
    "capacity",
    "meeting_link",
    "github_url",
    "linkedin_url",
    "portfolio_url",
)
MENTEE_FIELDS = (
    "learning",
    "target_roles",
    "interests",
    "education_path",
    "prior_background",
    "languages",
    "wants_shared_background",
    "meets_from",
    "meets_until",
)


@dataclass(frozen=True)
class BackgroundEntry:
    """One background answer as submitted. A blank value removes the answer."""

    field: str
    value: str
    visibility: str = Visibility.PRIVATE


def normalise_tags(raw: str | Iterable[str]) -> list[str]:
    """Tag names from comma-separated text: trimmed, de-duplicated ignoring case.

    Raises ValidationError with a message that names the offending tag.
    """
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = " ".join(part.split())  # trims and collapses inner runs of spaces
        if name and name.lower() not in seen:
            _check_tag(name)
            seen.add(name.lower())
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ValidationError(
            _("List at most %(max)d technologies (you listed %(count)d)."),
            code="too_many_tags",
            params={"max": MAX_TAGS, "count": len(names)},
        )
    return names


def _check_tag(name: str) -> None:
    if len(name) > MAX_TAG_LENGTH:
        raise ValidationError(
            _("“%(name)s…” is too long: a technology name has at most %(max)d characters."),
            code="tag_too_long",
            params={"name": name[:20], "max": MAX_TAG_LENGTH},
        )
    if not _TAG_PATTERN.match(name):
        raise ValidationError(
            _(
                "“%(name)s” can't be a technology name: use letters, digits, spaces and "
                "+ # . - / only, and separate technologies with commas."
            ),
            code="tag_bad_characters",
            params={"name": name},
        )


def technologies_for(names: Sequence[str]) -> list[Technology]:
    """Find each named technology ignoring case, creating the missing ones."""
    lowered = [n.lower() for n in names]
    existing = {
        t.lname: t
        for t in Technology.objects.annotate(lname=Lower("name")).filter(lname__in=lowered)
    }
    return [existing.get(n.lower()) or _create_technology(n) for n in names]


def _create_technology(name: str) -> Technology:
    # Someone else may create the same tag between our read and this write; the
    # case-insensitive unique constraint then refuses ours and we use theirs.
    try:
        with transaction.atomic():
            return Technology.objects.create(name=name)
    except IntegrityError:
        return Technology.objects.get(name__iexact=name)


def profile_update(
    *,
    user: User,
    account_data: Mapping[str, Any],
    mentor_data: Mapping[str, Any] | None = None,
    mentee_data: Mapping[str, Any] | None = None,
    background: Sequence[BackgroundEntry] | None = None,
) -> None:
    """Save a person's account, profiles and background, all or nothing.

    Steps: update the account; create or update the mentor and mentee profiles
    (with their stack tags) when data for them is given; write or delete the
    background answers. Every object is validated with full_clean() first, so a
    ValidationError leaves the database exactly as it was. `stack` in the
    profile data is a comma-separated string or a list of names.
    """
    with transaction.atomic():
        # A fresh, locked copy: a failed update must not leave the caller's
        # object (often request.user) holding values that were never saved.
        user = User.objects.select_for_update().get(pk=user.pk)
        _update_account(user, account_data)
        if mentor_data is not None:
            profile = _mentor_profile(user)
            _update_profile(profile, mentor_data, MENTOR_FIELDS)
        if mentee_data is not None:
            mentee_profile = _mentee_profile(user)
            _update_profile(mentee_profile, mentee_data, MENTEE_FIELDS)
        if background is not None:
            _write_background(user, background)
        hooks.mentor_features_changed([user.pk])  # name, zone, profile, background


def _update_account(user: User, data: Mapping[str, Any]) -> None:
    _assign(user, data, ACCOUNT_FIELDS)
    user.full_clean(exclude=["password"])
    user.save(update_fields=sorted(set(ACCOUNT_FIELDS) & set(data)))


def _mentor_profile(user: User) -> MentorProfile:
    try:
        return MentorProfile.objects.select_for_update().get(user=user)
    except MentorProfile.DoesNotExist:
        return MentorProfile(user=user)


def _mentee_profile(user: User) -> MenteeProfile:
    try:
        return MenteeProfile.objects.select_for_update().get(user=user)
    except MenteeProfile.DoesNotExist:
        return MenteeProfile(user=user)


def _update_profile(
    profile: MentorProfile | MenteeProfile, data: Mapping[str, Any], allowed: Collection[str]
) -> None:
    _assign(profile, data, allowed)
    # Tags are checked before anything is written, so a bad tag saves nothing.
    names = _stack_names(data["stack"]) if "stack" in data else None
    profile.full_clean()
    profile.save()
    if names is not None:
        profile.stack.set(technologies_for(names))


def _stack_names(raw: str | Iterable[str]) -> list[str]:
    try:
        return normalise_tags(raw)
    except ValidationError as error:
        raise ValidationError({"stack": error}) from error


def _assign(obj: models.Model, data: Mapping[str, Any], allowed: Collection[str]) -> None:
    unknown = set(data) - set(allowed) - {"stack"}
    if unknown:
        raise TypeError(f"unexpected fields for {type(obj).__name__}: {sorted(unknown)}")
    for name in set(allowed) & set(data):
        setattr(obj, name, data[name])


def _write_background(user: User, entries: Sequence[BackgroundEntry]) -> None:
    for entry in entries:
        value = _background_value(entry)
        if not value:
            BackgroundAnswer.objects.filter(user=user, field=entry.field).delete()
            continue
        answer = BackgroundAnswer.objects.filter(user=user, field=entry.field).first()
        answer = answer or BackgroundAnswer(user=user, field=entry.field)
        answer.value = value
        answer.visibility = entry.visibility
        answer.full_clean()
        answer.save()


def _background_value(entry: BackgroundEntry) -> str:
    if entry.field not in BackgroundField.values:
        message = _("Unknown background question: %(field)s.") % {"field": entry.field}
        raise ValidationError({"background": message})
    value = " ".join(entry.value.split())
    # A yes/no question stores one canonical "yes"; any other text is not stored.
    if entry.field in FLAG_BACKGROUND_FIELDS and value:
        return FLAG_VALUE
    return value
