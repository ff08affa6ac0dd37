"""People: the user account, mentor and mentee profiles, and background answers."""

from __future__ import annotations

from datetime import time
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from mentora.accounts.choices import (
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    SpokenLanguage,
    TechnologyKind,
    Visibility,
)
from mentora.accounts.timezones import validate_time_zone


@deconstructible
class ChoiceListValidator:
    """A JSON list field holds only known codes, each once."""

    def __init__(self, choices: type[models.TextChoices], max_items: int = 20) -> None:
        self.choices = choices
        self.max_items = max_items

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list):
            raise ValidationError("Expected a list.", code="not_a_list")
        unknown = [v for v in value if v not in self.choices.values]
        if unknown:
            raise ValidationError(
                "Unknown choice: %(unknown)s.", code="unknown", params={"unknown": unknown}
            )
        if len(value) != len(set(value)) or len(value) > self.max_items:
            raise ValidationError("Each choice at most once.", code="duplicates")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceListValidator) and other.choices is self.choices


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password (invited users)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; times are shown in `time_zone`."""

    # Stored lower-cased; the case-insensitive constraint below guards the rest.
    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=150)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    preferred_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person first sets a password through an invitation (or
    # signs in another way): an invitation is "accepted" from then on.
    activated_at = models.DateTimeField(null=True, blank=True)
    # Onboarding: done once the profile their roles need is filled in; a skip
    # stops the first-login redirect but the home keeps asking.
    onboarded_at = models.DateTimeField(null=True, blank=True)
    onboarding_skipped_at = models.DateTimeField(null=True, blank=True)
    # Erasure replaces identity and free text; the row stays so others' records hold.
    erased_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Technology(models.Model):
    """A tag for a technical stack: a language, framework or tool."""

    name = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=TechnologyKind, default=TechnologyKind.OTHER)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "technologies"
        constraints = [models.UniqueConstraint(Lower("name"), name="technology_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class ProfileBase(models.Model):
    """What mentor and mentee profiles share."""

    stack = models.ManyToManyField(Technology, blank=True, related_name="+")
    education_path = models.CharField(max_length=16, choices=EducationPath, blank=True)
    languages = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(SpokenLanguage)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def stack_names(self) -> list[str]:
        return [t.name for t in self.stack.all()]

    def language_labels(self) -> list[str]:
        return [SpokenLanguage(code).label for code in self.languages]


class MentorProfile(ProfileBase):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentor_profile")
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    knowledge_areas = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(KnowledgeArea)]
    )
    years_experience = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(60)]
    )
    career_stage = models.CharField(max_length=16, choices=CareerStage, blank=True)
    current_role = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="How many mentees at once.",
    )
    meeting_link = models.URLField(max_length=300, blank=True)
    github_url = models.URLField("GitHub", max_length=300, blank=True)
    linkedin_url = models.URLField("LinkedIn", max_length=300, blank=True)
    portfolio_url = models.URLField("Portfolio", max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__lte=20), name="mentor_capacity_max"
            ),
            models.CheckConstraint(
                condition=models.Q(years_experience__lte=60), name="mentor_years_max"
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor profile of {self.user}"

    def knowledge_area_labels(self) -> list[str]:
        return [KnowledgeArea(code).label for code in self.knowledge_areas]


class MenteeProfile(ProfileBase):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentee_profile")
    learning = models.CharField(
        "what I'm learning",
        max_length=300,
        blank=True,
        help_text="For example: full-stack web development with Python and React.",
    )
    target_roles = models.CharField("roles I'm aiming for", max_length=200, blank=True)
    interests = models.JSONField(
        "areas I want help with",
        default=list,
        blank=True,
        validators=[ChoiceListValidator(KnowledgeArea)],
    )
    prior_background = models.TextField(
        "my background",
        max_length=1000,
        blank=True,
        help_text="What you did before, and what you bring with you.",
    )
    wants_shared_background = models.BooleanField(
        "a mentor with a shared background matters to me", default=False
    )
    # The part of their day (in their own zone) the mentee can meet; proposals
    # and "who has an opening" look inside it.
    meets_from = models.TimeField("I can meet from", default=time(8, 0))
    meets_until = models.TimeField("until", default=time(21, 0))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meets_until__gt=models.F("meets_from")),
                name="mentee_meets_until_after_from",
                violation_error_message="The end of your day must come after its start.",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentee profile of {self.user}"

    def interest_labels(self) -> list[str]:
        return [KnowledgeArea(code).label for code in self.interests]


class BackgroundAnswerQuerySet(models.QuerySet["BackgroundAnswer"]):
    def visible_to_program(self) -> BackgroundAnswerQuerySet:
        return self.filter(visibility=Visibility.PROGRAM)


class BackgroundAnswer(models.Model):
    """One optional, self-identified background answer, with who may see it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="background_answers")
    field = models.CharField(max_length=32, choices=BackgroundField)
    value = models.CharField(max_length=80)
    visibility = models.CharField(max_length=16, choices=Visibility, default=Visibility.PRIVATE)

    objects = BackgroundAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["field"]
        constraints = [
            models.UniqueConstraint(fields=["user", "field"], name="background_one_per_field"),
            models.CheckConstraint(condition=~models.Q(value=""), name="background_value_set"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.value}"


class SecondFactorReset(models.Model):
    """Staff removed a person's second factor (a lost phone or key): who, when and why.

    Written by `mentora.accounts.second_factor.second_factor_reset` only, which also
    ends the person's sessions and emails them; read-only in Django admin."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="second_factor_resets")
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(max_length=2000)
    authenticators_removed = models.PositiveSmallIntegerField(default=0)
    sessions_ended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="second_factor_reset_reason_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.at:%Y-%m-%d %H:%M}"
