"""A program admin invites someone; the invitee follows the emailed link and gets in."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from mentora.accounts.models import User
from mentora.tests.tasks import account_emails_send


def test_invitation_from_invite_page_to_home(browser, live_server, page, login, admin_user, cohort):
    login(admin_user)
    page.goto("/p/bootcamp/invite/")
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Role").select_option("mentee")
    page.get_by_label("Cohort").select_option(label="Spring 2027")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(re.compile(r"/p/bootcamp/people/$"))
    expect(page.get_by_text("Invitation sent to Nia New")).to_be_visible()
    assert mail.outbox == []  # queued: the worker sends it
    account_emails_send()
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
    link = re.search(r"http://\S+/accounts/invitation/\S+/", str(mail.outbox[0].body))
    assert link is not None

    # The invitee opens the link in a browser of their own, not the admin's session.
    invitee = browser.new_context(base_url=live_server.url).new_page()
    invitee.goto(re.sub(r"^http://[^/]+", live_server.url, link.group(0)))
    expect(invitee.get_by_role("heading", name="Welcome to Mentora, Nia")).to_be_visible()
    invitee.get_by_label(re.compile(r"^New password\W*$")).fill("a-fresh-pass-phrase-42")
    invitee.get_by_label("New password confirmation").fill("a-fresh-pass-phrase-42")
    invitee.get_by_role("button", name="Set password and continue").click()

    # A new person completes their profile first (onboarding; test_onboarding walks it).
    expect(invitee).to_have_url(re.compile(r"/welcome/$"))
    expect(invitee.get_by_role("heading", name="Welcome, Nia")).to_be_visible()
    assert User.objects.get(email="nia@example.org").check_password("a-fresh-pass-phrase-42")
    invitee.context.close()
