"""Where you're signed in: a mentee on her laptop signs her phone out."""

from mentora.tests.factories import TEST_PASSWORD

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def test_the_mentee_signs_her_phone_out_from_her_laptop(browser, live_server, login, mentee):
    phone_context = browser.new_context(base_url=live_server.url, user_agent=PHONE)
    phone = phone_context.new_page()
    phone.goto("/accounts/login/")
    phone.get_by_label("Email").fill(mentee.email)
    phone.get_by_label("Password").fill(TEST_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_load_state()
    assert "/accounts/login/" not in phone.url

    laptop = login(mentee)
    laptop.goto("/accounts/profile/")
    laptop.get_by_role("link", name="Where you're signed in").click()

    rows = laptop.locator("tbody tr")
    assert rows.count() == 2
    assert "This browser" in rows.nth(0).inner_text()
    assert "Safari on an iPhone" in rows.nth(1).inner_text()

    laptop.get_by_role("button", name="Sign out the other session").click()

    assert "signed out of 1 other session" in laptop.locator(".messages").inner_text()
    assert laptop.locator("tbody tr").count() == 1
    phone.reload()
    assert "/accounts/login/" in phone.url
    phone_context.close()
