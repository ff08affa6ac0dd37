"""factory_boy factories for every model; tests build their data from these."""

from __future__ import annotations

from datetime import time as _time
from datetime import timedelta as _timedelta
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
from mentora.mentoring.models import (
    ActionItem,
    Agenda,
    Feedback,
    MentorshipGoal,
    Note,
    Question,
    Reflection,
)
from mentora.programs.models import Cohort, Membership, Mentorship, Program, Role
from mentora.scheduling.models import (
    Cadence,
    CalendarConnection,
    CalendarFeed,
    CalendarKind,
    DateOverride,
    MakeupRequest,
    Session,
    TimeOff,
    WeeklyHours,
)
from mentora.sealed import seal

TEST_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    time_zone = "Europe/Berlin"
    # Named test people have accepted their invitation and finished onboarding.
    activated_at = factory.LazyFunction(timezone.now)
    onboarded_at = factory.LazyFunction(timezone.now)

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


class TechnologyFactory(factory.django.DjangoModelFactory[Technology]):
    class Meta:
        model = Technology
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tech{n}")


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    time_zone = "Europe/Berlin"
    # A new program requires a second factor of its staff; tests of other rules
    # sign staff in with a password alone (the sign-in tests turn it on).
    staff_need_second_factor = False


class CohortFactory(factory.django.DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = Role.MENTEE


class MentorProfileFactory(factory.django.DjangoModelFactory[MentorProfile]):
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


class MenteeProfileFactory(factory.django.DjangoModelFactory[MenteeProfile]):
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


class BackgroundAnswerFactory(factory.django.DjangoModelFactory[BackgroundAnswer]):
    class Meta:
        model = BackgroundAnswer

    user = factory.SubFactory(UserFactory)
    field = BackgroundField.FIRST_IN_FAMILY
    value = "yes"
    visibility = Visibility.PRIVATE


class MentorshipFactory(factory.django.DjangoModelFactory[Mentorship]):
    class Meta:
        model = Mentorship

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)


# --- scheduling ------------------------------------------------------------


class WeeklyHoursFactory(factory.django.DjangoModelFactory[WeeklyHours]):
    class Meta:
        model = WeeklyHours

    mentor = factory.SubFactory(UserFactory)
    weekday = 1
    start_time = _time(17)
    end_time = _time(20)


class DateOverrideFactory(factory.django.DjangoModelFactory[DateOverride]):
    class Meta:
        model = DateOverride

    mentor = factory.SubFactory(UserFactory)
    kind = "day_off"


class TimeOffFactory(factory.django.DjangoModelFactory[TimeOff]):
    class Meta:
        model = TimeOff

    mentor = factory.SubFactory(UserFactory)


class CadenceFactory(factory.django.DjangoModelFactory[Cadence]):
    class Meta:
        model = Cadence

    mentorship = factory.SubFactory(MentorshipFactory)
    weekday = 1
    time_of_day = _time(18)
    time_zone = factory.LazyAttribute(lambda o: o.mentorship.mentor.time_zone)
    starts_on = factory.LazyFunction(lambda: timezone.now().date())


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    """A session of a mentorship; 45 minutes, a day or more ahead by default."""

    class Meta:
        model = Session

    mentorship = factory.SubFactory(MentorshipFactory)
    program = factory.LazyAttribute(lambda o: o.mentorship.program)
    mentor = factory.LazyAttribute(lambda o: o.mentorship.mentor)
    mentee = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    # Defaults two hours apart, so sessions made without a time never overlap
    # (PostgreSQL's exclusion constraint would refuse them), within ~9 days.
    starts_at = factory.Sequence(lambda n: timezone.now() + _timedelta(days=1, hours=2 * (n % 100)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + _timedelta(minutes=45))
    blocked_from = factory.LazyAttribute(lambda o: o.starts_at)
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at + _timedelta(minutes=10))


class MakeupRequestFactory(factory.django.DjangoModelFactory[MakeupRequest]):
    class Meta:
        model = MakeupRequest

    session = factory.SubFactory(SessionFactory)
    requested_at = factory.LazyFunction(timezone.now)


class CalendarFeedFactory(factory.django.DjangoModelFactory[CalendarFeed]):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)


class CalendarConnectionFactory(factory.django.DjangoModelFactory[CalendarConnection]):
    """An iCalendar connection to an address that never resolves (.invalid):
    tests that read one serve it from calendar_server.CalendarServer instead."""

    class Meta:
        model = CalendarConnection

    owner = factory.SubFactory(UserFactory)
    kind = CalendarKind.ICAL
    label = "Work"
    url_host = "calendar.invalid"
    sealed_url = factory.LazyAttribute(
        lambda o: seal(f"https://{o.url_host}/calendar/ical/private-0a1b2c/basic.ics")
    )


# --- mentoring -------------------------------------------------------------


class MentorshipGoalFactory(factory.django.DjangoModelFactory[MentorshipGoal]):
    class Meta:
        model = MentorshipGoal

    mentorship = factory.SubFactory(MentorshipFactory)
    text = "Land a junior backend role by spring"


class AgendaFactory(factory.django.DjangoModelFactory[Agenda]):
    class Meta:
        model = Agenda

    session = factory.SubFactory(SessionFactory)


class QuestionFactory(factory.django.DjangoModelFactory[Question]):
    class Meta:
        model = Question

    program = factory.SubFactory(ProgramFactory)
    mentee = factory.SubFactory(UserFactory)
    text = "How do I structure a Django project with several apps?"


class NoteFactory(factory.django.DjangoModelFactory[Note]):
    class Meta:
        model = Note

    session = factory.SubFactory(SessionFactory)
    author = factory.LazyAttribute(lambda o: o.session.mentor)
    body = "We walked through the booking service."


class ActionItemFactory(factory.django.DjangoModelFactory[ActionItem]):
    class Meta:
        model = ActionItem

    mentorship = factory.SubFactory(MentorshipFactory)
    title = "Write one test for the cancel rule"
    owner = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + _timedelta(days=2))


class ReflectionFactory(factory.django.DjangoModelFactory[Reflection]):
    class Meta:
        model = Reflection

    session = factory.SubFactory(SessionFactory)
    author = factory.LazyAttribute(lambda o: o.session.mentee)
    goal_met = "yes"
    still_makes_sense = "yes"


class FeedbackFactory(factory.django.DjangoModelFactory[Feedback]):
    class Meta:
        model = Feedback

    session = factory.SubFactory(SessionFactory)
    rating = 4


def signed_in_session(
    user: User,
    user_agent: str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1",
    ip: str = "198.51.100.7",
) -> Any:
    """A real session of `user` elsewhere (in the session store, with its usersessions
    row), as if they had signed in on another device."""
    from allauth.usersessions.models import UserSession
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return UserSession.objects.create(
        user=user, session_key=store.session_key, ip=ip, user_agent=user_agent
    )
