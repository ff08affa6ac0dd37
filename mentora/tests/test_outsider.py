"""Someone outside the program learns nothing: every program page answers 404.

Walks every URL pattern under /p/<slug>/ (so a new page is covered the day it is
added) with real ids from inside the program, by GET and by POST.
"""

import pytest

from mentora.tests.test_no_500 import _world, all_pages

pytestmark = pytest.mark.django_db


def test_every_program_page_is_a_404_to_an_outsider(
    client, program, mentorship, mentee, admin_user, outsider
):
    pages = [
        p
        for p in all_pages(program, _world(program, mentorship, mentee, admin_user))
        if p.startswith(f"/p/{program.slug}/")
    ]
    client.force_login(outsider)

    for page in pages:
        got = client.get(page).status_code
        posted = client.post(page, {"reason": "other", "message": "x" * 80}).status_code
        # A single-method page may say 405 to the other method, which reveals nothing;
        # the method it serves must be a 404.
        assert {got, posted} <= {404, 405}, (page, got, posted)
        assert 404 in (got, posted), page
    assert len(pages) >= 45
