"""The payment gateway interface, and a test gateway that behaves like a processor's test mode.

Services only ever talk to `get_gateway()`. A real processor adapter implements `Gateway`;
settings.SUBSCRIPTIONS_GATEWAY (a dotted path) picks it, defaulting to the TestGateway.

Card numbers and CVCs go to `tokenize_card` and nowhere else: we store the returned token,
brand, last four digits and expiry. Every charge and refund carries an idempotency key, and a
processor answers a repeated key with the first result (the TestGateway does the same,
deterministically, so it needs no memory).

Test cards (any future expiry, any CVC of the right length):
    4242 4242 4242 4242  succeeds
    4000 0000 0000 0002  declined (card_declined)
    4000 0000 0000 9995  declined (insufficient_funds)
    4000 0000 0000 3220  needs the bank's confirmation (a simulated challenge page); once
                         approved, later off-session renewals on the card succeed
Test IBANs: any valid IBAN succeeds, except DE62 3704 0044 0532 0130 01, which bounces
(insufficient_funds). SEPA debits settle at once here; real ones take days.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from apps.subscriptions import validation


class ChargeStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    REQUIRES_ACTION = "requires_action"


@dataclass(frozen=True)
class TokenResult:
    ok: bool
    token: str = ""
    brand: str = ""
    last4: str = ""
    error_code: str = ""
    # The same card or account always gets the same fingerprint (never the number itself), so
    # a card entered again is recognised, as processors' card fingerprints allow.
    fingerprint: str = ""


@dataclass(frozen=True)
class ChargeResult:
    status: ChargeStatus
    reference: str
    decline_code: str = ""  # card_declined | insufficient_funds | authentication_rejected

    @property
    def succeeded(self) -> bool:
        return self.status == ChargeStatus.SUCCEEDED


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    reference: str
    error_code: str = ""


class Gateway(Protocol):
    def tokenize_card(
        self, *, number: str, exp_month: int, exp_year: int, cvc: str, holder: str
    ) -> TokenResult: ...

    def tokenize_sepa(self, *, iban: str, holder: str) -> TokenResult: ...

    def charge(
        self,
        *,
        token: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        off_session: bool = False,
    ) -> ChargeResult: ...

    def confirm(self, *, reference: str, token: str, approve: bool) -> ChargeResult: ...

    def refund(
        self, *, reference: str, amount: int, currency: str, idempotency_key: str
    ) -> RefundResult: ...


# Behaviour is carried by the token (like a processor's test payment methods), not by memory.
_CARD_BEHAVIOUR = {
    "4242424242424242": "ok",
    "4000000000000002": "declined",
    "4000000000009995": "nsf",
    "4000000000003220": "3ds",
}
_FAILING_IBAN = "DE62370400440532013001"


def _ref(prefix: str, key: str) -> str:
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def _fingerprint(value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"payment-fingerprint:" + value.encode(), hashlib.sha256).hexdigest()[:32]


class TestGateway:
    """A processor's test mode: deterministic, so a repeated key gets the same answer."""

    __test__ = False  # not a pytest test class

    def tokenize_card(
        self, *, number: str, exp_month: int, exp_year: int, cvc: str, holder: str
    ) -> TokenResult:
        digits = validation.digits_only(number)
        if validation.check_card_number(digits):
            return TokenResult(ok=False, error_code="invalid_number")
        behaviour = _CARD_BEHAVIOUR.get(digits, "ok")
        return TokenResult(
            ok=True,
            token=f"tok_{behaviour}_{secrets.token_hex(8)}",
            brand=validation.card_brand(digits),
            last4=digits[-4:],
            fingerprint=_fingerprint(digits),
        )

    def tokenize_sepa(self, *, iban: str, holder: str) -> TokenResult:
        value = validation.normalize_iban(iban)
        if validation.check_iban(value):
            return TokenResult(ok=False, error_code="invalid_iban")
        behaviour = "nsf" if value == _FAILING_IBAN else "ok"
        return TokenResult(
            ok=True,
            token=f"sepa_{behaviour}_{secrets.token_hex(8)}",
            brand="sepa",
            last4=value[-4:],
            fingerprint=_fingerprint(value),
        )

    def charge(
        self,
        *,
        token: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        off_session: bool = False,
    ) -> ChargeResult:
        reference = _ref("ch", idempotency_key)
        behaviour = token.split("_")[1] if token.count("_") >= 2 else "declined"
        if amount <= 0:
            raise ValueError("a charge is for a positive amount")
        if behaviour == "declined":
            return ChargeResult(ChargeStatus.DECLINED, reference, "card_declined")
        if behaviour == "nsf":
            return ChargeResult(ChargeStatus.DECLINED, reference, "insufficient_funds")
        if behaviour == "3ds" and not off_session:
            return ChargeResult(ChargeStatus.REQUIRES_ACTION, reference)
        return ChargeResult(ChargeStatus.SUCCEEDED, reference)

    def confirm(self, *, reference: str, token: str, approve: bool) -> ChargeResult:
        if approve:
            return ChargeResult(ChargeStatus.SUCCEEDED, reference)
        return ChargeResult(ChargeStatus.DECLINED, reference, "authentication_rejected")

    def refund(
        self, *, reference: str, amount: int, currency: str, idempotency_key: str
    ) -> RefundResult:
        if amount <= 0:
            raise ValueError("a refund is for a positive amount")
        return RefundResult(ok=True, reference=_ref("re", idempotency_key))


def get_gateway() -> Gateway:
    path = getattr(settings, "SUBSCRIPTIONS_GATEWAY", "apps.subscriptions.gateway.TestGateway")
    return import_string(path)()
