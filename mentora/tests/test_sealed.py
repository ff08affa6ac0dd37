"""mentora/sealed.py: secrets sealed at rest, and production's key check."""

import pytest
from cryptography.fernet import Fernet
from django.core import checks

from mentora.sealed import SealError, seal, sealed_key_check, unseal


def test_round_trip_with_the_derived_development_key(settings):
    settings.MENTORA_SECRETS_KEY = ""
    token = seal("https://calendar.google.com/calendar/ical/x/private-abc/basic.ics")
    assert "private-abc" not in token
    assert unseal(token) == "https://calendar.google.com/calendar/ical/x/private-abc/basic.ics"


def test_round_trip_with_a_configured_key_and_unicode(settings):
    settings.MENTORA_SECRETS_KEY = Fernet.generate_key().decode()
    assert unseal(seal("pässwörd ✓")) == "pässwörd ✓"


def test_a_token_from_another_key_is_refused_with_a_clear_error(settings):
    settings.MENTORA_SECRETS_KEY = Fernet.generate_key().decode()
    token = seal("secret")
    settings.MENTORA_SECRETS_KEY = Fernet.generate_key().decode()
    with pytest.raises(SealError, match="sealed with another key"):
        unseal(token)


def test_an_altered_token_is_refused(settings):
    settings.MENTORA_SECRETS_KEY = ""
    token = seal("secret")
    with pytest.raises(SealError):
        unseal(token[:-6] + "AAAAAA")
    with pytest.raises(SealError):
        unseal("not a token at all")


def test_rotation_the_old_key_still_unseals_after_the_new_one_is_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MENTORA_SECRETS_KEY = old
    token = seal("secret")
    settings.MENTORA_SECRETS_KEY = f"{new},{old}"
    assert unseal(token) == "secret"
    settings.MENTORA_SECRETS_KEY = new
    assert unseal(seal("again")) == "again"


def test_production_without_a_key_fails_the_check_and_refuses_to_seal(settings):
    settings.PRODUCTION = True
    settings.MENTORA_SECRETS_KEY = ""
    found = sealed_key_check()
    assert [m.id for m in found] == ["mentora.E100"]
    assert "MENTORA_SECRETS_KEY" in found[0].msg
    with pytest.raises(SealError):
        seal("secret")


def test_production_with_a_malformed_key_fails_the_check(settings):
    settings.PRODUCTION = True
    settings.MENTORA_SECRETS_KEY = "too-short"
    assert [m.id for m in sealed_key_check()] == ["mentora.E100"]


def test_production_with_a_key_passes_and_the_check_is_registered(settings):
    settings.PRODUCTION = True
    settings.MENTORA_SECRETS_KEY = Fernet.generate_key().decode()
    assert sealed_key_check() == []
    assert sealed_key_check in checks.registry.registry.get_checks()


def test_development_needs_no_key(settings):
    settings.PRODUCTION = False
    settings.MENTORA_SECRETS_KEY = ""
    assert sealed_key_check() == []
