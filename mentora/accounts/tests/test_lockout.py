"""Lockout after failed logins: one limit per account, one per address (accounts/lockout.py).

Every test runs on a stopped clock, so cool-offs are crossed by moving it, never
by waiting. Addresses are set per request with REMOTE_ADDR.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from mentora.tests.clock import NOW
from mentora.tests.factories import TEST_PASSWORD
from mentora.tests.test_settings import run_manage

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ACCOUNT_LIMIT = 5  # the defaults (settings.py)
ADDRESS_LIMIT = 20


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def attempt(email, password, address="192.0.2.1", **headers):
    """One log-in, from a fresh browser, at `address`."""
    return Client().post(
        LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def fail_from_many_addresses(email, times):
    for i in range(times):
        response = attempt(email, "guess", address=f"198.51.100.{i + 1}")
    return response


def spray(address, times):
    for i in range(times):
        response = attempt(f"someone{i}@example.org", "Winter2027!", address=address)
    return response


# --- one account, many addresses ------------------------------------------


def test_one_account_tried_from_many_addresses_is_locked_after_the_account_limit(clock, mentee):
    before = fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT - 1)
    assert before.status_code == 200
    assert "not correct" in before.text

    last = fail_from_many_addresses(mentee.email, 1)
    right_password_elsewhere = attempt(mentee.email, TEST_PASSWORD, address="203.0.113.50")

    assert last.status_code == 429
    assert right_password_elsewhere.status_code == 429
    assert not logged_in(right_password_elsewhere)
    assert "Too many wrong passwords were entered for this email address" in (
        right_password_elsewhere.text
    )


def test_the_account_lock_is_per_account(clock, mentee, mentor):
    fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT)

    assert logged_in(attempt(mentor.email, TEST_PASSWORD, address="198.51.100.1"))


def test_the_account_lock_ends_after_the_short_cool_off(clock, mentee):
    fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT)

    clock.shift(timedelta(minutes=14, seconds=59))
    assert attempt(mentee.email, TEST_PASSWORD).status_code == 429

    clock.shift(timedelta(seconds=1))
    assert logged_in(attempt(mentee.email, TEST_PASSWORD))


def test_after_the_cool_off_the_account_counts_from_nothing(clock, mentee):
    fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT)
    clock.shift(timedelta(minutes=15))

    one_typo = attempt(mentee.email, "typo")

    assert one_typo.status_code == 200  # not locked again by the old failures
    assert logged_in(attempt(mentee.email, TEST_PASSWORD))


def test_tries_during_the_lock_do_not_make_it_longer(clock, mentee):
    fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT)
    for _ in range(14):
        clock.shift(timedelta(minutes=1))
        assert attempt(mentee.email, "guess").status_code == 429

    clock.shift(timedelta(minutes=1))  # 15 minutes after the failure that locked it

    assert logged_in(attempt(mentee.email, TEST_PASSWORD))


def test_a_successful_login_resets_the_account_counter(clock, mentee):
    fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT - 1)
    assert logged_in(attempt(mentee.email, TEST_PASSWORD))

    again = fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT - 1)

    assert again.status_code == 200
    assert logged_in(attempt(mentee.email, TEST_PASSWORD))


def test_the_login_name_is_counted_whatever_its_case_and_spaces(clock, mentee):
    for i, typed in enumerate(["MIA@example.org", " mia@EXAMPLE.org", "Mia@Example.Org "] * 2):
        attempt(typed, "guess", address=f"198.51.100.{i + 1}")

    assert attempt(mentee.email, TEST_PASSWORD).status_code == 429


# --- one address, many accounts -------------------------------------------


def test_a_spray_from_one_address_is_locked_after_the_address_limit(clock, mentee):
    before = spray("192.0.2.66", ADDRESS_LIMIT - 1)
    assert before.status_code == 200

    last = spray("192.0.2.66", 1)
    right_password_there = attempt(mentee.email, TEST_PASSWORD, address="192.0.2.66")

    assert last.status_code == 429
    assert right_password_there.status_code == 429
    assert not logged_in(right_password_there)
    assert "from your network" in right_password_there.text


def test_other_addresses_still_log_in_during_a_spray(clock, mentee):
    spray("192.0.2.66", ADDRESS_LIMIT)

    assert logged_in(attempt(mentee.email, TEST_PASSWORD, address="192.0.2.67"))


def test_the_address_lock_lasts_its_longer_cool_off(clock, mentee):
    spray("192.0.2.66", ADDRESS_LIMIT)

    clock.shift(timedelta(minutes=59, seconds=59))
    assert attempt(mentee.email, TEST_PASSWORD, address="192.0.2.66").status_code == 429

    clock.shift(timedelta(seconds=1))
    assert logged_in(attempt(mentee.email, TEST_PASSWORD, address="192.0.2.66"))


def test_logging_in_between_guesses_does_not_reset_the_address_counter(clock, mentee):
    spray("192.0.2.66", ADDRESS_LIMIT - 1)
    assert logged_in(attempt(mentee.email, TEST_PASSWORD, address="192.0.2.66"))

    assert spray("192.0.2.66", 1).status_code == 429


# --- the page -------------------------------------------------------------


def test_the_lockout_page_says_when_to_try_again(clock, mentee):
    locked = fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT)
    assert "Try again in 15 minutes." in locked.text
    assert locked["Retry-After"] == "900"

    clock.shift(timedelta(minutes=10, seconds=30))
    later = attempt(mentee.email, TEST_PASSWORD)

    assert "Try again in 5 minutes." in later.text  # 4½ minutes left, rounded up
    assert later["Retry-After"] == "300"


def test_the_network_lockout_page_says_when_to_try_again(clock, mentee):
    locked = spray("192.0.2.66", ADDRESS_LIMIT)

    assert "Try again in 60 minutes." in locked.text
    assert "someone else on it may have caused this" in locked.text


def test_the_lockout_page_is_the_same_whether_or_not_the_account_exists(clock, mentee):
    real = fail_from_many_addresses(mentee.email, ACCOUNT_LIMIT)
    made_up = fail_from_many_addresses("nobody-here@example.org", ACCOUNT_LIMIT)

    assert made_up.status_code == real.status_code == 429
    assert made_up.content == real.content
    assert mentee.email not in real.text


# --- settings -------------------------------------------------------------


def test_the_account_limit_and_cool_off_come_from_settings(clock, settings, mentee):
    settings.MENTORA_LOCKOUT_ACCOUNT_LIMIT = 2
    settings.MENTORA_LOCKOUT_ACCOUNT_COOLOFF = timedelta(minutes=3)

    fail_from_many_addresses(mentee.email, 2)
    locked = attempt(mentee.email, TEST_PASSWORD)
    clock.shift(timedelta(minutes=3))

    assert "Try again in 3 minutes." in locked.text
    assert logged_in(attempt(mentee.email, TEST_PASSWORD))


def test_the_address_limit_and_cool_off_come_from_settings(clock, settings, mentee):
    settings.MENTORA_LOCKOUT_ADDRESS_LIMIT = 3
    settings.MENTORA_LOCKOUT_ADDRESS_COOLOFF = timedelta(minutes=30)

    spray("192.0.2.66", 3)
    locked = attempt(mentee.email, TEST_PASSWORD, address="192.0.2.66")
    clock.shift(timedelta(minutes=30))

    assert "Try again in 30 minutes." in locked.text
    assert logged_in(attempt(mentee.email, TEST_PASSWORD, address="192.0.2.66"))


def test_the_limits_and_cool_offs_are_read_from_the_environment(tmp_path):
    shown = run_manage(
        "shell",
        "-c",
        "from mentora.accounts.lockout import rules; print(rules())",
        MENTORA_LOGIN_FAILURE_LIMIT="7",
        MENTORA_LOGIN_COOLOFF_MINUTES="10",
        MENTORA_LOGIN_ADDRESS_FAILURE_LIMIT="50",
        MENTORA_LOGIN_ADDRESS_COOLOFF_MINUTES="120",
        MENTORA_VAR_DIR=str(tmp_path),
    )

    assert shown.returncode == 0, shown.stderr
    assert "limit=7, cool_off=datetime.timedelta(seconds=600)" in shown.stdout
    assert "limit=50, cool_off=datetime.timedelta(seconds=7200)" in shown.stdout


def test_a_limit_of_zero_is_a_clear_error(tmp_path):
    result = run_manage("check", MENTORA_LOGIN_COOLOFF_MINUTES="0", MENTORA_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "must be at least 1" in result.stderr


# --- the client's address -------------------------------------------------


def test_without_proxies_a_forwarded_for_header_is_ignored(clock, mentee):
    """Otherwise a sprayer would pick a new address for every guess."""
    for i in range(ADDRESS_LIMIT):
        attempt(
            f"someone{i}@example.org", "guess", "192.0.2.66", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}"
        )

    assert attempt(mentee.email, TEST_PASSWORD, "192.0.2.66").status_code == 429


def test_behind_a_proxy_the_address_it_saw_is_counted(clock, settings, mentee):
    settings.MENTORA_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for i in range(ADDRESS_LIMIT):
        # The client writes what it likes on the left; the proxy appends what it saw.
        forwarded = f"10.9.9.{i}, 203.0.113.9"
        attempt(f"someone{i}@example.org", "guess", proxy, HTTP_X_FORWARDED_FOR=forwarded)

    from_sprayer = attempt(mentee.email, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    from_someone_else = attempt(
        mentee.email, TEST_PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.10"
    )

    assert from_sprayer.status_code == 429
    assert logged_in(from_someone_else)


def test_a_forwarded_for_that_is_not_an_address_counts_the_proxy(clock, settings, mentee):
    settings.MENTORA_PROXY_COUNT = 1
    for i in range(ADDRESS_LIMIT):
        attempt(f"someone{i}@example.org", "guess", "10.0.0.2", HTTP_X_FORWARDED_FOR="junk")

    assert attempt(mentee.email, TEST_PASSWORD, "10.0.0.2").status_code == 429


@pytest.mark.parametrize(
    "login",
    ["x" * 5000 + "@example.org", "a\x00b@example.org", "²@example.org", "@", ""],
)
def test_junk_login_names_are_refused_without_an_error(clock, login):
    response = attempt(login, "guess")

    assert response.status_code in (200, 400)
