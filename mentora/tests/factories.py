"""factory_boy factories for every model; tests build their data from these."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from mentora.accounts.choices import (
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    Visibility,
)
from mentora.accounts.models import (
    BackgroundAnswer,
    MenteeProfile,
    MentorProfile,
    Technology,
    User,
)
from mentora.programs.models import Cohort, Membership, Mentorship, Program, Role

TEST_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    time_zone = "Europe/Berlin"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        # Real people reach the app through an invitation that verifies their email.
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technology
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tech{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    time_zone = "Europe/Berlin"


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = Role.MENTEE


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    headline = "Backend engineer who likes teaching"
    bio = "I build web services and enjoy helping people get their first job in tech."
    knowledge_areas = factory.LazyFunction(lambda: [KnowledgeArea.BACKEND, KnowledgeArea.CAREER])
    years_experience = 7
    career_stage = CareerStage.SENIOR
    current_role = "Senior engineer"
    company = "Acme"
    education_path = EducationPath.BOOTCAMP
    languages = factory.LazyFunction(lambda: ["en"])
    capacity = 3

    @factory.post_generation
    def stack(obj: MentorProfile, create: bool, extracted: list[str] | None, **kw: Any) -> None:
        if create:
            names = extracted if extracted is not None else ["Python", "Django"]
            obj.stack.set([TechnologyFactory(name=n) for n in names])  # type: ignore[misc]


class MenteeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenteeProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    learning = "Full-stack web development with Python"
    target_roles = "Junior backend developer"
    interests = factory.LazyFunction(lambda: [KnowledgeArea.BACKEND])
    languages = factory.LazyFunction(lambda: ["en"])

    @factory.post_generation
    def stack(obj: MenteeProfile, create: bool, extracted: list[str] | None, **kw: Any) -> None:
        if create:
            names = extracted if extracted is not None else ["Python"]
            obj.stack.set([TechnologyFactory(name=n) for n in names])  # type: ignore[misc]


class BackgroundAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackgroundAnswer

    user = factory.SubFactory(UserFactory)
    field = BackgroundField.FIRST_IN_FAMILY
    value = "yes"
    visibility = Visibility.PRIVATE


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)
