"""A program run from the app, start to first caseload, in a real browser (#13).

Site staff create a program and set a policy; its admin makes a cohort,
imports people from a CSV (a bad file is refused with its line numbers and
imports nobody, then a good one), and gives two mentees a success manager on
the people page. One of them accepts the invitation from her email, walks the
welcome steps, and is on that success manager's caseload when he logs in.

A new program asks its staff for a second factor: the site staff member signs
in with a code from her authenticator app, and the success manager sets one up
right after accepting his invitation (pyotp stands in for their phones).
"""

from __future__ import annotations

import re

import pyotp
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from playwright.sync_api import expect

from mentora.accounts.models import User
from mentora.programs.models import Membership, Program, ProgramSettingChange, Role
from mentora.tests import factories as f
from mentora.tests.e2e.conftest import SCREENSHOTS
from mentora.tests.tasks import account_emails_send

BAD_CSV = (
    "email,name,role,cohort,success_manager\r\n"
    "sam.sm@example.org,Sam Steward,success_manager,,\r\n"
    "nia@example.org,Nia Nováková,mentee,Autumn 2027,\r\n"
    "NIA@EXAMPLE.ORG,Nia Again,mentee,Autumn 2027,\r\n"
    "omar@example.org,Omar Haddad,wizard,,\r\n"
)
GOOD_CSV = (
    "\ufeffemail;name;role;cohort;success_manager\r\n"
    "sam.sm@example.org;Sam Steward;success_manager;;\r\n"
    "sue.sm@example.org;Sue Steward;success_manager;;\r\n"
    'nia@example.org;"Nováková, Nia";mentee;Autumn 2027;\r\n'
    "omar@example.org;Omar Haddad;mentee;Autumn 2027;\r\n"
    "lee@example.org;Lee Chen;mentee;Autumn 2027;\r\n"
)
PASSWORD = "a-fresh-pass-phrase-42"


def _upload(page, slug: str, name: str, content: str) -> None:
    page.goto(f"/p/{slug}/people/import/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}]
    )
    page.get_by_role("button", name="Preview the import").click()


def _invitation_link(live_server, email: str) -> str:
    account_emails_send()  # what the worker does with the queued invitations
    [message] = [m for m in mail.outbox if m.to == [email]]
    link = re.search(r"https?://\S+/invitation/\S+", message.body)
    assert link, message.body
    return re.sub(r"^https?://[^/]+", live_server.url, link.group(0).rstrip(".>"))


def _accept(browser, live_server, email: str, lands_on: str = r"/welcome/$"):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(_invitation_link(live_server, email))
    page.get_by_label(re.compile(r"^New password\W*$")).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page).to_have_url(re.compile(lands_on))
    return page


def _set_up_an_authenticator_app(page) -> None:
    """The second factor the program asks staff for: read the secret, type a code."""
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))


def test_a_program_is_set_up_and_its_first_mentee_lands_on_a_caseload(
    page, login, browser, live_server, screenshot
):
    site_staff = f.UserFactory(email="sita@example.org", name="Sita Staff")
    site_staff.is_superuser = site_staff.is_staff = True
    site_staff.save()
    secret = generate_totp_secret()
    TOTP.activate(site_staff, secret)
    login(site_staff)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()

    # Create the program from the home page.
    page.goto("/")
    page.get_by_role("link", name="Create a program").first.click()
    page.get_by_label(re.compile(r"^Name\b")).fill("Evening Mentoring")
    page.get_by_label("Short name in addresses").fill("evening")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_role("heading", name="Settings of Evening Mentoring")).to_be_visible()

    # A policy, saved and logged.
    page.get_by_label("Cancellation notice (hours)").fill("48")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Saved: 1 setting changed.")).to_be_visible()
    screenshot("program-settings")
    program = Program.objects.get(slug="evening")
    assert program.notice_hours == 48
    change = ProgramSettingChange.objects.get(program=program)
    assert (change.field, change.old_value, change.new_value) == ("notice_hours", "24", "48")

    # A cohort.
    page.goto("/p/evening/cohorts/")
    page.get_by_label(re.compile(r"^Name\b")).fill("Autumn 2027")
    page.get_by_label("Start date").fill("2027-09-06")
    page.get_by_label("End date").fill("2027-12-17")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.locator("tr", has_text="Autumn 2027")).to_be_visible()

    # A bad file: every bad line named, nobody imported.
    _upload(page, "evening", "people.csv", BAD_CSV)
    problems = page.get_by_role("alert")
    expect(problems.first).to_be_visible()
    expect(page.locator('#import-errors tr[data-line="4"]')).to_contain_text("duplicate of line 3")
    expect(page.locator('#import-errors tr[data-line="5"]')).to_contain_text("is not a role")
    screenshot("import-refused")
    assert not User.objects.filter(email="nia@example.org").exists()

    # A good file: Excel's semicolons, a BOM, a quoted comma, a non-ASCII name.
    _upload(page, "evening", "people.csv", GOOD_CSV)
    expect(page.get_by_text("Nováková, Nia")).to_be_visible()
    page.locator("#confirm-import").click()
    expect(page.get_by_role("heading", name="People in Evening Mentoring")).to_be_visible()
    assert Membership.objects.filter(program=program, role=Role.MENTEE).count() == 3

    # Give Nia and Omar a success manager: the picker offers Sue as well as Sam.
    page.get_by_label("Role").select_option(Role.MENTEE.value)
    page.get_by_role("button", name="Show people").click()
    nia, omar = (User.objects.get(email=e) for e in ("nia@example.org", "omar@example.org"))
    page.locator(f"#select-{nia.pk}").check()
    page.locator(f"#select-{omar.pk}").check()
    page.get_by_label("Action").select_option("assign_manager")
    sue = User.objects.get(email="sue.sm@example.org")
    page.get_by_label("Success manager", exact=True).select_option(str(sue.pk))
    page.get_by_role("button", name="Apply to the selected").click()
    screenshot("people-assigned")
    assert set(
        Membership.objects.filter(program=program, success_manager=sue).values_list(
            "user__email", flat=True
        )
    ) == {"nia@example.org", "omar@example.org"}

    # Nia accepts her invitation and walks the welcome steps.
    nia_page = _accept(browser, live_server, "nia@example.org")
    nia_page.get_by_role("link", name="Start").click()
    while nia_page.get_by_role("button", name="Save and continue").count():
        if nia_page.locator("#id_mentee-learning").count():
            nia_page.locator("#id_mentee-learning").fill("Frontend development with React")
            nia_page.locator("#id_mentee-target_roles").fill("Junior frontend developer")
        nia_page.get_by_role("button", name="Save and continue").click()
    nia_page.get_by_role("button", name="Save and finish").click()
    expect(nia_page.get_by_role("heading", name=re.compile(r"^Hello, "))).to_be_visible()
    expect(nia_page.get_by_role("link", name="Finish your profile")).to_have_count(0)
    nia.refresh_from_db()
    assert nia.onboarded_at is not None and nia.activated_at is not None

    # Sue accepts hers, and finds Nia on her caseload.
    sue_page = _accept(browser, live_server, "sue.sm@example.org", r"/accounts/2fa/totp/activate/")
    _set_up_an_authenticator_app(sue_page)
    sue_page.goto("/welcome/")
    sue_page.get_by_role("button", name="Skip for now").click()
    sue_page.goto("/p/evening/caseload/")
    expect(sue_page.get_by_text("Nováková, Nia")).to_be_visible()
    expect(sue_page.get_by_text("Lee Chen")).to_have_count(0)
    sue_page.screenshot(path=str(SCREENSHOTS / "caseload-new-program.png"), full_page=True)
