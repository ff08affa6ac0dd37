"""Programs, their policies, cohorts, who holds which role, and mentorships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentora.accounts.timezones import validate_time_zone

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _hours(
    default: int, maximum: int, verbose_name: str | _StrPromise, help_text: str | _StrPromise
) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name,
        default=default,
        validators=[MaxValueValidator(maximum)],
        help_text=help_text,
    )


def _weight(
    default: int, verbose_name: str | _StrPromise, help_text: str | _StrPromise
) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name, default=default, validators=[MaxValueValidator(100)], help_text=help_text
    )


def validate_https_address(value: str) -> None:
    """An address people open from an invite: https (http only for localhost)."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ValidationError

    parts = urlsplit(value)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if not (parts.scheme == "https" or (parts.scheme == "http" and local)):
        raise ValidationError(
            _("Use an https:// address: people open it from their invites."), code="https"
        )


class Program(models.Model):
    """One mentoring program with its own policies (every number is a setting).

    Every policy field has a label and a one-line help text: the settings page
    (programs/settings/) shows them, with the default, as the field's explanation.
    Rules between fields live in programs/settings/rules.py (`clean` asks them).
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        help_text=_(
            "The program's part of every address: /p/<address>/. Letters, digits, - and _."
        ),
    )
    description = models.TextField(
        _("description"),
        max_length=2000,
        blank=True,
        help_text=_("A few words on what the program is for."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The zone new people get until they set their own."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Sessions and cancellations
    default_session_minutes = models.PositiveIntegerField(
        _("session length (minutes)"),
        default=45,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
        help_text=_("How long a session is unless its regular time says otherwise."),
    )
    notice_hours = _hours(
        24,
        24 * 14,
        _("cancellation notice (hours)"),
        _("A cancellation at least this long ahead is on time; later is a late cancellation."),
    )
    # Without it, moving a session would dodge the notice policy.
    late_move_counts_as_late_cancel = models.BooleanField(
        _("a late move counts as a late cancellation"),
        default=True,
        help_text=_("A move made inside the notice period counts as a late cancellation."),
    )
    makeup_gap_hours = _hours(
        24,
        24 * 14,
        _("makeup gap (hours)"),
        _("A makeup must start at least this long before the next regular session."),
    )
    unmarked_flag_hours = _hours(
        48,
        24 * 14,
        _("flag unmarked attendance after (hours)"),
        _("A session whose attendance nobody marked is flagged this long after it."),
    )
    # Booking
    min_booking_notice_hours = _hours(
        12,
        24 * 14,
        _("minimum booking notice (hours)"),
        _("Nobody can book a session sooner than this ahead."),
    )
    max_sessions_per_mentee_per_week = models.PositiveIntegerField(
        _("sessions per mentee per week"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text=_("The most sessions one mentee may have in a week (makeups included)."),
    )
    buffer_before_minutes = models.PositiveIntegerField(
        _("buffer before (minutes)"),
        default=0,
        validators=[MaxValueValidator(120)],
        help_text=_("Time kept free in the mentor's calendar before each session."),
    )
    buffer_after_minutes = models.PositiveIntegerField(
        _("buffer after (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
        help_text=_("Time kept free in the mentor's calendar after each session."),
    )
    booking_window_weeks = models.PositiveIntegerField(
        _("booking window (weeks)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("How far ahead a session can be booked."),
    )
    slot_grid_minutes = models.PositiveIntegerField(
        _("slot grid (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Sessions start on this grid: every 15 minutes is :00, :15, :30, :45."),
    )
    # Reminders
    first_reminder_hours = _hours(
        24,
        24 * 7,
        _("first reminder (hours before)"),
        _("The first reminder, with a nudge to fill in the agenda."),
    )
    second_reminder_hours = _hours(
        1,
        24,
        _("last reminder (hours before)"),
        _("The last reminder before a session; it must come after the first."),
    )
    # Matching
    self_requests_enabled = models.BooleanField(
        _("mentees may request mentors"),
        default=True,
        help_text=_("Mentees may request mentors themselves from the directory."),
    )
    max_open_requests = models.PositiveIntegerField(
        _("open requests per mentee"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many requests one mentee may have waiting at once."),
    )
    request_expiry_days = models.PositiveIntegerField(
        _("requests expire after (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A request nobody answered is withdrawn after this many days."),
    )
    # Matching: relative weight of each factor in the fit score (rescaled to total 100).
    weight_stack = _weight(
        30,
        _("weight: technical stack"),
        _("Technical stack, weighted by what the mentee is learning."),
    )
    weight_areas = _weight(
        20, _("weight: knowledge areas"), _("Knowledge areas against the mentee's aims.")
    )
    weight_experience = _weight(
        15, _("weight: experience"), _("Career stage and years of experience.")
    )
    weight_availability = _weight(
        15, _("weight: availability"), _("Mentor's availability inside the mentee's day.")
    )
    weight_language = _weight(10, _("weight: language"), _("A language in common."))
    weight_background = _weight(
        10,
        _("weight: shared background"),
        _("Shared background (only when the mentee asks for it)."),
    )
    must_share_language = models.BooleanField(
        _("must share a language"),
        default=False,
        help_text=_("Never suggest a mentor who shares no language with the mentee."),
    )
    min_match_score = models.PositiveIntegerField(
        _("minimum fit for bulk matching"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("Bulk matching leaves a mentee unmatched rather than below this fit (0–100)."),
    )
    # Relationship health
    pulse_after_first_session = models.BooleanField(
        _("pulse after the first session"),
        default=True,
        help_text=_("Ask both parties how it's going after their first session."),
    )
    pulse_every_weeks = models.PositiveIntegerField(
        _("pulse every (weeks)"),
        default=4,
        validators=[MaxValueValidator(52)],
        help_text=_("Ask again every this many weeks (0 = never)."),
    )
    # After a session
    reflection_window_days = models.PositiveIntegerField(
        _("reflection window (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Reflections and feedback can be written for this many days after a session."),
    )
    # Sign-in (accounts' second-factor and single sign-on rules read these)
    staff_need_second_factor = models.BooleanField(
        _("staff need a second factor"),
        default=True,
        help_text=_(
            "Success managers and admins must sign in with an authenticator app or a "
            "security key before they reach any page of the program."
        ),
    )
    mentors_need_second_factor = models.BooleanField(
        _("mentors need a second factor"),
        default=False,
        help_text=_("Mentors must also sign in with a second factor."),
    )
    trust_sso_second_factor = models.BooleanField(
        _("trust the identity provider's second factor"),
        default=False,
        help_text=_(
            "A person who signed in through single sign-on has passed the second factor "
            "(turn on only if your identity provider requires one)."
        ),
    )
    password_login_allowed = models.BooleanField(
        _("password sign-in allowed"),
        default=True,
        help_text=_("Off: the program's people sign in through single sign-on only."),
    )
    sso_providers = models.CharField(
        _("single sign-on providers"),
        max_length=500,
        blank=True,
        help_text=_(
            "The identity providers the program's people may use, by id, separated by commas "
            "(blank: every configured provider)."
        ),
    )
    sso_email_domains = models.CharField(
        _("email domains matched to accounts"),
        max_length=500,
        blank=True,
        help_text=_(
            "A single sign-on from these domains (comma-separated, e.g. example.edu) is "
            "linked to the existing account with the same email."
        ),
    )
    # Calendars and meeting rooms
    calendar_stale_hours = models.PositiveIntegerField(
        _("use a calendar that can't be read for (hours)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_(
            "If a mentor's connected calendar can't be read, its last copy is used this long; "
            "after that the mentor offers no times until it can be read again."
        ),
    )
    meeting_room_base_url = models.URLField(
        _("video rooms address"),
        max_length=300,
        blank=True,
        validators=[validate_https_address],
        help_text=_(
            "A video service where each session gets its own room, e.g. https://meet.jit.si/ "
            "(blank: the mentor's own meeting link)."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_session_minutes__gte=15), name="program_session_min_length"
            ),
            models.CheckConstraint(
                condition=Q(max_sessions_per_mentee_per_week__gte=1),
                name="program_weekly_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(booking_window_weeks__gte=1), name="program_window_positive"
            ),
            models.CheckConstraint(condition=Q(slot_grid_minutes__gte=5), name="program_grid_min"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Django admin's "View on site": a superuser's way in for support access.
        return reverse("program_home", args=[self.slug])


class Cohort(models.Model):
    """A group of mentees who start together."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=80)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # A closed cohort takes no new members and drops out of pickers; its history stays.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cohort_name_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.program.name})"


class Role(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"
    SUCCESS_MANAGER = "success_manager", "Success manager"
    ADMIN = "admin", "Program admin"


STAFF_ROLES = frozenset({Role.SUCCESS_MANAGER, Role.ADMIN})


class MembershipStatus(models.TextChoices):
    """Where a person stands in a program. Only off-boarding's services move a
    membership out of "active"; `is_active` says the same for quick filters."""

    ACTIVE = "active", _("Active")
    GRADUATED = "graduated", _("Graduated")
    LEFT = "left", _("Left the program")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)

    def with_role(self, role: Role) -> MembershipQuerySet:
        return self.filter(role=role)


class Membership(models.Model):
    """A person's role in a program; one person may hold several roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    success_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload_memberships",
        help_text="Only for mentees: the staff member who looks after them.",
    )
    is_active = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=MembershipStatus, default=MembershipStatus.ACTIVE
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    # Who graduated the person or marked them as left, and their word on it
    # (off-boarding's services write both; kept when the account goes).
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_note = models.TextField(max_length=2000, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Changed on every save, for the API's ?updated_since= (a queryset .update() sets it by hand).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # The last invitation email (first one or a resend); null for people added
    # without one (Django admin, the demo, an import with invitations held).
    invitation_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["program", "role", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="membership_one_per_role"
            ),
            models.CheckConstraint(
                condition=Q(role=Role.MENTEE)
                | Q(cohort__isnull=True, success_manager__isnull=True),
                name="membership_cohort_and_manager_only_for_mentees",
            ),
            models.CheckConstraint(
                condition=(
                    Q(is_active=True, status=MembershipStatus.ACTIVE, ended_at__isnull=True)
                    | (Q(is_active=False) & ~Q(status=MembershipStatus.ACTIVE))
                ),
                name="membership_active_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "role"]),
            models.Index(fields=["program", "role", "status"], name="membership_program_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.program}"


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


LIVE_MENTORSHIP_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Completed its goals"
    NOT_A_FIT = "not_a_fit", "Not a fit"
    REMATCHED = "rematched", "Re-matched to another mentor"
    MENTOR_UNAVAILABLE = "mentor_unavailable", "Mentor no longer available"
    MENTEE_LEFT = "mentee_left", "Mentee left the program"
    OTHER = "other", "Other"


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def live(self) -> MentorshipQuerySet:
        return self.filter(status__in=LIVE_MENTORSHIP_STATUSES)


class Mentorship(models.Model):
    """One pairing of a mentor and a mentee in a program. Ended ones are kept."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_mentee"
    )
    status = models.CharField(
        max_length=16, choices=MentorshipStatus, default=MentorshipStatus.ACTIVE
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Changed on every save, for the API's ?updated_since= (a queryset .update() sets it by hand).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    end_reason = models.CharField(max_length=32, choices=EndReason, blank=True)
    end_note = models.TextField(max_length=2000, blank=True)
    # Optional words from each side once a mentorship is completed.
    mentor_closing_reflection = models.TextField(max_length=2000, blank=True)
    mentee_closing_reflection = models.TextField(max_length=2000, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentorship_not_self"
            ),
            models.UniqueConstraint(
                fields=["program", "mentor", "mentee"],
                condition=Q(status__in=LIVE_MENTORSHIP_STATUSES),
                name="mentorship_one_live_per_pair",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=MentorshipStatus.ENDED, ended_at__isnull=False) & ~Q(end_reason="")
                )
                | (~Q(status=MentorshipStatus.ENDED) & Q(ended_at__isnull=True)),
                name="mentorship_end_fields_match_status",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_MENTORSHIP_STATUSES


class AuditKind(models.TextChoices):
    """What a support-access page showed. The private kinds come first; the
    rest name the other pages a superuser may open as if program admin."""

    CONCERN = "concern", _("Concerns")
    REFLECTION = "reflection", _("Reflections")
    FEEDBACK = "feedback", _("Session feedback")
    BACKGROUND = "background", _("Background answers")
    NOTES = "notes", _("Session notes and action items")
    PULSE = "pulse", _("Pulse comments")
    CASELOAD = "caseload", _("Caseloads and insights")
    MENTEE = "mentee", _("A mentee's pages")
    SESSION = "session", _("Sessions and agendas")
    REQUESTS = "requests", _("Mentor requests")
    MATCHING = "matching", _("Matching")
    PEOPLE = "people", _("The program's people")
    AUDIT = "audit", _("This audit log")
    PROGRAM = "program", _("Other program pages")


class AccessAuditEntry(models.Model):
    """One request in which a superuser saw a program's data only because they
    are a superuser ("support access"), one row per kind of data shown.

    The app only ever adds rows. Both foreign keys protect: a program or an
    account named in the log can't be deleted while its trail exists.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="audit_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_audit_entries"
    )
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=AuditKind)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    page = models.CharField(max_length=100, blank=True, help_text="The URL's name.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access audit entry")
        verbose_name_plural = _("access audit entries")
        indexes = [models.Index(fields=["program", "-at"], name="audit_program_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.path}"


class ProgramSettingChange(models.Model):
    """One setting changed on the settings page: who, when, old -> new.

    Values are stored as the text the page showed, so the record reads the
    same after the field's type or choices change.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="setting_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    field = models.CharField(max_length=60)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["program", "-changed_at"], name="setting_change_program_at")
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} -> {self.new_value}"
