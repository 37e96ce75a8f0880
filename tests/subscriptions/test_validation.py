"""Card and IBAN checks (pure), and the test gateway's behaviour by card number."""

from datetime import date

import pytest

from apps.subscriptions import validation
from apps.subscriptions.gateway import ChargeStatus, TestGateway

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    "number",
    [
        "4242 4242 4242 4242",
        "4000-0000-0000-0002",
        "4000000000009995",
        "4000000000003220",
        "5555555555554444",
        "378282246310005",
    ],
)
def test_test_cards_pass_luhn(number):
    assert validation.check_card_number(number) == ""


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "required"),
        ("4242 4242 4242 4241", "luhn"),
        ("4242 abcd", "not_digits"),
        ("4242", "length"),
    ],
)
def test_bad_card_numbers(number, code):
    assert validation.check_card_number(number) == code


def test_expiry():
    assert validation.check_expiry(6, 2026, today=TODAY) == ""  # valid through June
    assert validation.check_expiry(5, 2026, today=TODAY) == "expired"
    assert validation.check_expiry(13, 2027, today=TODAY) == "month"
    assert validation.parse_expiry("08/29") == (8, 2029)
    assert validation.parse_expiry("8 / 2031") == (8, 2031)
    assert validation.parse_expiry("august") is None


def test_cvc_format_depends_on_the_brand():
    assert validation.check_cvc("123", brand="visa") == ""
    assert validation.check_cvc("12", brand="visa") == "cvc3"
    assert validation.check_cvc("123", brand="amex") == "cvc4"
    assert validation.check_cvc("1234", brand="amex") == ""


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
        "GB82WEST12345698765432",
        "NL91ABNA0417164300",
        "de89370400440532013000",
    ],
)
def test_valid_ibans(iban):
    assert validation.check_iban(iban) == ""


@pytest.mark.parametrize(
    ("iban", "code"),
    [
        ("", "required"),
        ("DE89370400440532013001", "checksum"),
        ("DE8937040044053201300", "length"),
        ("US12345678901234", "country"),
        ("1234", "format"),
    ],
)
def test_invalid_ibans(iban, code):
    assert validation.check_iban(iban) == code


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        ("4242424242424242", ChargeStatus.SUCCEEDED, ""),
        ("4000000000000002", ChargeStatus.DECLINED, "card_declined"),
        ("4000000000009995", ChargeStatus.DECLINED, "insufficient_funds"),
        ("4000000000003220", ChargeStatus.REQUIRES_ACTION, ""),
    ],
)
def test_the_test_gateway_behaves_by_card_number(number, status, code):
    gw = TestGateway()
    token = gw.tokenize_card(number=number, exp_month=1, exp_year=2030, cvc="123", holder="A")
    assert token.ok and number not in token.token and token.last4 == number[-4:]
    first = gw.charge(token=token.token, amount=100, currency="EUR", idempotency_key="k1")
    again = gw.charge(token=token.token, amount=100, currency="EUR", idempotency_key="k1")
    assert (first.status, first.decline_code) == (status, code)
    assert first == again  # a repeated key gets the same answer


def test_three_d_secure_is_not_asked_off_session_and_can_be_approved_or_rejected():
    gw = TestGateway()
    token = gw.tokenize_card(
        number="4000000000003220", exp_month=1, exp_year=2030, cvc="123", holder="A"
    ).token
    assert gw.charge(
        token=token, amount=1, currency="EUR", idempotency_key="r", off_session=True
    ).succeeded
    assert gw.confirm(reference="ch_x", token=token, approve=True).succeeded
    assert gw.confirm(reference="ch_x", token=token, approve=False).decline_code == (
        "authentication_rejected"
    )


def test_a_failing_test_iban():
    gw = TestGateway()
    bad = gw.tokenize_sepa(iban="DE62370400440532013001", holder="A").token
    good = gw.tokenize_sepa(iban="DE89370400440532013000", holder="A").token
    assert gw.charge(token=bad, amount=1, currency="EUR", idempotency_key="a").decline_code == (
        "insufficient_funds"
    )
    assert gw.charge(token=good, amount=1, currency="EUR", idempotency_key="b").succeeded
