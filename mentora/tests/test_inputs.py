"""mentora.inputs: each type with each class of value (control and bidi
characters, digits that aren't ASCII, numbers too long or too large, dates at
the calendar's edges), the NUL net on both databases, and that every form of
the project uses the text checks."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import mentora
from mentora import inputs
from mentora.accounts.models import User
from mentora.converters import IdConverter, TokenConverter
from mentora.tests import factories as f

# --- text --------------------------------------------------------------------

REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]
ALLOWED = ["\t", "\n", "\r", " ", "é", "ß", "日本", "😀", "\u200d", "\xa0"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", REFUSED)
def test_control_characters_are_found(char):
    assert inputs.find_control_character(f"Ada{char}Lovelace") == char
    assert inputs.strip_control_characters(f"Ada{char}Lovelace") == "AdaLovelace"


@pytest.mark.parametrize("char", ALLOWED + BIDI)
def test_ordinary_text_and_line_breaks_have_no_control_character(char):
    assert inputs.find_control_character(f"a{char}b") is None
    assert inputs.strip_control_characters(f"a{char}b") == f"a{char}b"


@pytest.mark.parametrize("char", BIDI)
def test_bidi_overrides_and_isolates_are_found_separately(char):
    assert inputs.find_bidi_override(f"invoice{char}fdp.exe") == char


def test_text_without_bidi_override_has_none():
    assert inputs.find_bidi_override("Zoë O'Brien, שלום, مرحبا") is None


def test_the_control_character_set_is_c0_but_tab_lf_cr_then_del_and_c1():
    expected = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - set("\t\n\r")
    assert expected == inputs.CONTROL_CHARACTERS


@pytest.mark.parametrize("char", REFUSED)
def test_text_fields_of_a_project_form_refuse_control_characters_with_a_message(char):
    class Named(inputs.Form):
        name = forms.CharField()
        email = forms.EmailField(required=False)

    form = Named({"name": f"Ada{char}Lovelace", "email": ""})

    assert not form.is_valid()
    assert "invisible control character" in form.errors["name"][0] or char == "\x00"


def test_the_message_names_the_character():
    class Named(inputs.Form):
        name = forms.CharField()

    form = Named({"name": "Ada\x1bLovelace"})

    assert not form.is_valid()
    assert "U+001B" in form.errors["name"][0]


def test_ordinary_text_passes_and_line_breaks_stay():
    class Note(inputs.Form):
        text = forms.CharField(widget=forms.Textarea, strip=False)

    form = Note({"text": "Line one\r\n\tLine two 😀"})

    assert form.is_valid()
    assert form.cleaned_data["text"] == "Line one\r\n\tLine two 😀"


def test_model_forms_get_the_check_on_generated_fields():
    class Account(inputs.ModelForm):
        class Meta:
            model = User
            fields = ["name"]

    form = Account({"name": "Ada\x07"})

    assert not form.is_valid()
    assert "name" in form.errors


def test_the_check_is_added_once_per_form_instance_not_to_the_class():
    class Named(inputs.Form):
        name = forms.CharField()

    Named()
    form = Named()

    assert form.fields["name"].validators.count(inputs.refuse_control_characters) == 1
    assert inputs.refuse_control_characters not in Named.base_fields["name"].validators


def _project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's own modules (not tests)."""
    for module in pkgutil.walk_packages(mentora.__path__, "mentora."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        if module.name.rsplit(".", 1)[-1] in {"forms", "views", "admin", "invite_views"}:
            importlib.import_module(module.name)
    found: set[type[forms.BaseForm]] = set()
    stack: list[type[forms.BaseForm]] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        sub: type[forms.BaseForm]
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("mentora.") and ".tests" not in sub.__module__:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


# The CSV import form takes a file (its cells are checked by the import itself).
NO_TEXT_CHECK_NEEDED = {"mentora.programs.forms.PeopleImportForm"}


def test_every_form_of_the_project_refuses_control_characters():
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _project_form_classes()
        if not issubclass(cls, inputs.TextChecksMixin)
        and f"{cls.__module__}.{cls.__qualname__}" not in NO_TEXT_CHECK_NEEDED
        and not inspect.isabstract(cls)
    ]

    assert missing == [], "use inputs.Form / inputs.ModelForm (or TextChecksMixin)"


# --- numbers -----------------------------------------------------------------

NOT_IDS = [
    "",
    " ",
    "0",
    "-1",
    "+1",
    "1.0",
    "1e3",
    "0x10",
    "1_000",
    "²",
    "٣",
    "৩",
    "１",
    "1\x00",
    "9" * 20,
    "9" * 5000,
    str(2**63),
    None,
    ["1"],
]


@pytest.mark.parametrize("raw", NOT_IDS)
def test_parse_id_refuses_anything_but_ascii_digits_in_range(raw):
    assert inputs.parse_id(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("042", 42), (str(2**63 - 1), 2**63 - 1)])
def test_parse_id_reads_ids(raw, expected):
    assert inputs.parse_id(raw) == expected


def test_superscript_two_passes_isdigit_which_is_why_parse_id_exists():
    assert "²".isdigit()
    assert int("٣") == 3
    assert inputs.parse_id("²") is None
    assert inputs.parse_id("٣") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), ("7", 7), ("-7", -7), ("8", None), ("-8", None), ("²", None), ("9" * 5000, None)],
)
def test_parse_int_is_bounded(raw, expected):
    assert inputs.parse_int(raw, minimum=-7, maximum=7) == expected


def test_parse_int_refuses_a_sign_when_the_range_is_not_negative():
    assert inputs.parse_int("-0", minimum=0, maximum=5) is None


def test_query_int_falls_back_to_the_default():
    query = {"week": "²", "page": "3", "big": "9" * 5000}

    assert inputs.query_int(query, "week", default=0, minimum=0, maximum=4) == 0
    assert inputs.query_int(query, "page", default=1, minimum=1, maximum=9) == 3
    assert inputs.query_int(query, "big", default=1, minimum=1, maximum=9) == 1
    assert inputs.query_int(query, "missing", default=2, minimum=1, maximum=9) == 2


def test_query_id():
    assert inputs.query_id({"concern": "12"}, "concern") == 12
    assert inputs.query_id({"concern": "²"}, "concern") is None
    assert inputs.query_id({}, "concern") is None


class Numbers(inputs.Form):
    count = inputs.BoundedIntegerField(min_value=0, max_value=100)
    ref = inputs.IdField(required=False)


@pytest.mark.parametrize("raw", ["²", "٣", "１", "1.5", "1e2", "9" * 5000, "9" * 25, " "])
def test_bounded_integer_field_refuses_non_ascii_and_long_numbers(raw):
    form = Numbers({"count": raw})

    assert not form.is_valid()
    assert "count" in form.errors


@pytest.mark.parametrize(("raw", "ok"), [("0", True), ("100", True), ("101", False), ("-1", False)])
def test_bounded_integer_field_range(raw, ok):
    assert Numbers({"count": raw}).is_valid() is ok


@pytest.mark.parametrize("raw", ["0", "²", str(2**63), "9" * 5000, "-3"])
def test_id_field_refuses_what_is_not_an_id(raw):
    form = Numbers({"count": "1", "ref": raw})

    assert not form.is_valid()
    assert "ref" in form.errors


def test_id_field_reads_the_largest_id():
    form = Numbers({"count": "1", "ref": str(2**63 - 1)})

    assert form.is_valid()
    assert form.cleaned_data["ref"] == 2**63 - 1


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["²", "٣", "9" * 4000, "9" * 5000, str(2**63), "0"])
def test_model_id_choice_field_refuses_before_the_query(raw):
    user = f.UserFactory()
    field = inputs.ModelIdChoiceField(queryset=User.objects.all())

    with pytest.raises(ValidationError):
        field.clean(raw)
    assert field.clean(str(user.pk)) == user


@pytest.mark.parametrize("raw", ["1", "42", str(2**63 - 1)])
def test_the_id_converter_keeps_its_behaviour(raw):
    assert IdConverter().to_python(raw) == int(raw)


@pytest.mark.parametrize("raw", ["0", str(2**63), "٣"])
def test_the_id_converter_refuses(raw):
    with pytest.raises(ValueError):
        IdConverter().to_python(raw)


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("AbC-_09", True), ("a" * 64, True), ("a" * 65, False), ("a.b", False), ("a\x00b", False)],
)
def test_tokens(raw, ok):
    assert (inputs.parse_token(raw) is not None) is ok
    assert TokenConverter().to_python("abc") == "abc"


# --- dates -------------------------------------------------------------------


class Moment(inputs.Form):
    at = inputs.BoundedDateTimeField()


@pytest.mark.parametrize(
    "raw",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:00:00+00:00",
        "9999-12-31 23:59",
        "0001-01-01 00:00",
    ],
)
def test_datetimes_at_the_calendars_edges_are_a_form_error_not_an_overflow(raw):
    form = Moment({"at": raw})

    assert not form.is_valid()
    assert "at" in form.errors


def test_a_bounded_datetime_says_its_range():
    form = Moment({"at": "2027-06-01T10:00:00+00:00"})
    field = form.fields["at"]
    assert isinstance(field, inputs.BoundedDateTimeField)
    field.set_bounds(dt.datetime(2027, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 2, 1, tzinfo=dt.UTC))

    assert not form.is_valid()
    assert form.errors["at"][0].startswith("Choose a time between")
    assert "2027" in form.errors["at"][0]


def test_a_datetime_in_range_passes():
    form = Moment({"at": "2027-06-01T10:00:00+02:00"})

    assert form.is_valid()
    assert form.cleaned_data["at"] == dt.datetime(2027, 6, 1, 8, tzinfo=dt.UTC)


def test_offset_required_refuses_a_naive_time():
    class Slot(inputs.Form):
        at = inputs.BoundedDateTimeField(offset_required=True)

    assert not Slot({"at": "2027-06-01T10:00:00"}).is_valid()
    assert Slot({"at": "2027-06-01T10:00:00Z"}).is_valid()


class Day(inputs.Form):
    on = inputs.BoundedDateField(years=(1, 2))
    any_day = inputs.BoundedDateField(required=False)


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "1900-01-01", "2200-01-01"])
def test_dates_far_from_today_are_refused_with_the_range(raw):
    form = Day({"on": raw})

    assert not form.is_valid()
    assert form.errors["on"][0].startswith("Choose a date between")


def test_the_default_date_range_is_a_century_each_way():
    today = timezone.localdate()

    assert not Day({"on": today, "any_day": "0001-01-01"}).is_valid()
    assert not Day({"on": today, "any_day": "9999-12-31"}).is_valid()
    assert Day({"on": today, "any_day": today.replace(year=today.year - 50)}).is_valid()


def test_a_date_near_today_passes():
    assert Day({"on": timezone.localdate().isoformat()}).is_valid()


def test_years_around_handles_29_february():
    assert inputs.years_around(dt.date(2028, 2, 29), before=1, after=1) == (
        dt.date(2027, 2, 28),
        dt.date(2029, 2, 28),
    )


# --- the NUL net (runs on SQLite and, in the PostgreSQL pass, on PostgreSQL) --


def _is_refused(response) -> bool:
    return response.status_code == 400 and "can't be stored" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/calendar/a%00b.ics", "/p/a%00b/", "/accounts/login/%00", "/admin/%00/"]
)
def test_nul_in_the_path_is_a_400_page(client, path):
    assert _is_refused(client.get(path))


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=a%00b", "a%00b=1", "x=1&x=%00"])
def test_nul_in_the_query_string_is_a_400_page(client, query):
    assert _is_refused(client.get(f"/accounts/login/?{query}"))


@pytest.mark.django_db
def test_nul_in_a_posted_value_or_key_is_a_400_and_nothing_happens(client):
    login = reverse("account_login")

    assert _is_refused(client.post(login, {"login": "ada@example.org\x00", "password": "x"}))
    assert _is_refused(client.post(login, {"log\x00in": "ada@example.org"}))


@pytest.mark.django_db
def test_nul_in_a_multipart_value_is_a_400(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("notes.txt", b"bytes with \x00 inside are fine")

    response = client.post(reverse("account_login"), {"login": "a\x00", "file": upload})

    assert _is_refused(response)


@pytest.mark.django_db
def test_nul_in_file_contents_is_not_the_nets_business(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("notes.txt", b"bytes with \x00 inside")

    response = client.post(reverse("account_login"), {"login": "ada", "file": upload})

    assert response.status_code != 400


@pytest.mark.django_db
def test_the_refusal_page_is_translated_html_with_a_way_home(client):
    response = client.get("/p/%00/")

    assert response["Content-Type"].startswith("text/html")
    assert b'href="/"' in response.content


@pytest.fixture
def site_admin(db):
    return User.objects.create_superuser(email="root@example.org", password="pw", name="Root")


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["accounts/user", "programs/program", "programs/membership"])
def test_nul_in_django_admins_search_is_a_400(client, site_admin, model):
    client.force_login(site_admin)

    assert _is_refused(client.get(f"/admin/{model}/?q=a%00b"))
    assert client.get(f"/admin/{model}/?q=ab").status_code == 200


@pytest.mark.django_db
def test_nul_in_django_admins_autocomplete_is_a_400(client, site_admin):
    client.force_login(site_admin)
    query = "term=a%00b&app_label=programs&model_name=membership&field_name=user"

    assert _is_refused(client.get(f"/admin/autocomplete/?{query}"))


def test_admin_has_models_to_search():
    assert any(admin.search_fields for admin in admin_site._registry.values())


@pytest.mark.django_db
def test_a_cookie_with_a_nul_is_ignored_not_a_500(client, mentee):
    client.force_login(mentee)

    response = client.get("/", HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop; csrftoken=a\x00b")

    assert response.status_code == 302  # no session: the log-in page, as for a stranger
    assert response["Location"].startswith(reverse("account_login"))


class Habit(inputs.Form):
    """Django's own fields, as a model form generates them."""

    count = forms.IntegerField(required=False)
    on = forms.DateField(required=False)
    at = forms.DateTimeField(required=False)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("count", "٣"),
        ("count", "²"),
        ("count", str(2**63)),
        ("count", "9" * 5000),
        ("on", "9999-12-31"),
        ("on", "0001-01-01"),
        ("at", "9999-12-31T23:59:59-14:00"),
        ("at", "0001-01-01T00:00:00+14:00"),
    ],
)
def test_djangos_own_number_and_date_fields_are_parsed_as_ours(name, raw):
    form = Habit({name: raw})

    assert not form.is_valid()
    assert name in form.errors


def test_djangos_own_fields_keep_working():
    form = Habit({"count": "-12", "on": "2026-12-01", "at": "2026-12-01T10:00:00+01:00"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["count"] == -12
    assert isinstance(form.fields["count"], inputs.BoundedIntegerField)
    assert type(Habit.base_fields["count"]) is forms.IntegerField  # the class is untouched


def test_a_model_forms_generated_number_fields_are_ours():
    from mentora.insights.forms import RiskPolicyForm

    form = RiskPolicyForm()
    numbers = [n for n, fld in form.fields.items() if isinstance(fld, forms.IntegerField)]

    assert numbers
    assert all(isinstance(form.fields[n], inputs.BoundedIntegerField) for n in numbers)


@pytest.mark.django_db
def test_every_admin_form_refuses_control_characters(rf, site_admin):
    request = rf.get("/admin/")
    request.user = site_admin
    missing = []
    for model, model_admin in admin_site._registry.items():
        if not model.__module__.startswith("mentora."):
            continue
        forms_ = [model_admin.get_form(request)]
        forms_ += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        missing += [
            f"{model.__name__}: {form}"
            for form in forms_
            if not issubclass(form, inputs.TextChecksMixin)
        ]

    assert missing == []


@pytest.mark.django_db
def test_a_control_character_in_an_admin_form_is_a_form_error(client, site_admin):
    from mentora.accounts.models import Technology

    client.force_login(site_admin)

    response = client.post("/admin/accounts/technology/add/", {"name": "Py\x1bthon"})

    assert response.status_code == 200  # the form again, with its error
    assert "invisible control character" in response.content.decode()
    assert not Technology.objects.exists()
