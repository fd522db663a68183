"""CPR numbers: ten digits, a real date of birth in the first six, and no modulus-11 check."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.forms import ReferralForm
from cases.models import Person
from cases.validators import cpr_number_clean
from tests.cases.test_views import referral_post
from tests.factories import login
from tests.html import Page

VALID = [
    ("010190-1234", "010190-1234"),
    ("0101901234", "010190-1234"),
    ("  311299-0017 ", "311299-0017"),
    ("290200-4123", "290200-4123"),  # 4 in the serial and year 00: born 2000, a leap year
    ("290296-7419", "290296-7419"),  # 7 in the serial and year 96: born 1896 - a leap year too
]
INVALID = [
    ("320190-1234", "cpr_date"),  # 32 January
    ("300290-1234", "cpr_date"),  # 30 February
    ("290200-1234", "cpr_date"),  # 1 in the serial and year 00: 1900, not a leap year
    ("011390-1234", "cpr_date"),  # month 13
    ("010150-5123", "cpr_date"),  # 5 in the serial and year 50: born 2050
    ("010190-123", "cpr_format"),  # 9 digits
    ("010190-12345", "cpr_format"),  # 11 digits
    ("01019O-1234", "cpr_format"),  # a letter O for a zero
    ("ABCDEF-GHIJ", "cpr_format"),
    ("0101-901234", "cpr_format"),  # the hyphen in the wrong place
    ("010190 1234", "cpr_format"),
]


def modulus_11_ok(cpr: str) -> bool:
    digits = [int(d) for d in cpr.replace("-", "")]
    return sum(d * w for d, w in zip(digits, [4, 3, 2, 7, 6, 5, 4, 3, 2, 1], strict=True)) % 11 == 0


@pytest.mark.parametrize(("value", "stored"), VALID)
def test_a_valid_cpr_number_is_accepted_in_its_usual_form(value, stored):
    assert cpr_number_clean(value) == stored


@pytest.mark.parametrize(("value", "code"), INVALID)
def test_an_invalid_cpr_number_is_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        cpr_number_clean(value)

    assert refused.value.code == code


def test_a_cpr_number_failing_modulus_11_is_accepted_as_issued_since_2007():
    assert not modulus_11_ok("010190-1234")

    assert cpr_number_clean("010190-1234") == "010190-1234"


def test_no_cpr_number_is_fine():
    assert cpr_number_clean("") == ""


@pytest.mark.parametrize(("value", "code"), INVALID[:3] + INVALID[5:8])
def test_the_referral_form_shows_the_cpr_error_beside_the_field(value, code):
    form = ReferralForm(data={"given_name": "Ada", "cpr_number": value})

    assert not form.is_valid()
    assert "cpr_number" in form.errors


def test_the_referral_form_stores_the_number_with_its_hyphen():
    form = ReferralForm(data={"cpr_number": "0101901234"})
    form.is_valid()

    assert form.cleaned_data["cpr_number"] == "010190-1234"


def referral_input(cpr: str) -> dict:
    return {
        "person": {"given_name": "Ada", "cpr_number": cpr},
        "referral": {
            "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "source": "POLICE",
            "channel": "police_operation",
            "residence_status": "legal_residence",
            "exploitation_forms": ["ForcedLabour"],
        },
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "code"), INVALID)
def test_the_api_refuses_an_invalid_cpr_number_on_its_field(client, coordinator, value, code):
    response = login(client, coordinator).post("/api/v1/cases/", referral_input(value), content_type="application/json")

    assert response.status_code == 400, response.content
    assert [error["attr"] for error in response.json()["errors"]] == ["person.cpr_number"]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_api_accepts_a_cpr_number_without_hyphen_and_returns_it_with_one(client, coordinator):
    response = login(client, coordinator).post(
        "/api/v1/cases/", referral_input("0101901234"), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["person"]["cpr_number"] == "010190-1234"
    assert Person.objects.get().cpr_number == "010190-1234"


@pytest.mark.django_db
def test_the_referral_page_registers_the_new_person_fields_encrypted(client, cmm_worker):
    new = {
        "cpr_number": "0101901234",
        "document_number": "NG A1234567",
        "phone": "+45 1234 5678",
        "address": "Vejen 1\n2100 København Ø",
        "notes": "Taler lidt engelsk.",
    }
    response = login(client, cmm_worker).post("/sager/ny/", referral_post(**new))

    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert [getattr(person, name) for name in new] == ["010190-1234", *list(new.values())[1:]]
    page = client.get(response["Location"]).content.decode()
    assert "010190-1234" in page and "NG A1234567" in page


@pytest.mark.django_db
def test_the_referral_page_shows_a_bad_cpr_number_again_beside_the_field(client, cmm_worker):
    response = login(client, cmm_worker).post("/sager/ny/", referral_post(cpr_number="300290-1234"))

    assert response.status_code == 400
    page = Page(response)
    assert page.value("cpr_number") == "300290-1234"
    assert any("gyldig dato" in error for error in page.field_errors("cpr_number"))
    assert not Person.objects.exists()
