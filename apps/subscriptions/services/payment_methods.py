"""Payment methods: tokenized through the gateway; only the token and what we show are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core import clock
from apps.subscriptions import gateway
from apps.subscriptions.models import (
    PaymentMethod,
    Subscription,
)
from apps.subscriptions.services.core import _subscription_locked, _track

# --- Payment methods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CardDetails:
    """A card as typed; handed to the gateway's tokenizer and never stored."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str
    holder: str

    def __repr__(self) -> str:  # keep the number and CVC out of logs and tracebacks
        return f"CardDetails(last4={self.number[-4:]!r})"


@dataclass(frozen=True)
class SepaDetails:
    iban: str
    holder: str

    def __repr__(self) -> str:
        return f"SepaDetails(last4={self.iban[-4:]!r})"


PaymentSource = PaymentMethod | CardDetails | SepaDetails


def payment_method_add(*, user, source: CardDetails | SepaDetails, at: datetime | None = None):
    """Tokenize a card or an IBAN through the gateway and keep only the token and what we show."""
    at = at or clock.now()
    gw = gateway.get_gateway()
    if isinstance(source, CardDetails):
        result = gw.tokenize_card(
            number=source.number,
            exp_month=source.exp_month,
            exp_year=source.exp_year,
            cvc=source.cvc,
            holder=source.holder,
        )
        if not result.ok:
            raise ValidationError({"number": _("This card number is not valid.")})
        saved = _saved(user, result.fingerprint)
        if saved is not None:
            # The same card again (a second payment, another tab): keep one, with the newest
            # expiry date and name on it.
            saved.exp_month, saved.exp_year = source.exp_month, source.exp_year
            saved.holder = source.holder or saved.holder
            saved.save(update_fields=["exp_month", "exp_year", "holder"])
            return saved
        method = _create_once(
            user,
            kind=PaymentMethod.Kind.CARD,
            token=result.token,
            brand=result.brand,
            last4=result.last4,
            exp_month=source.exp_month,
            exp_year=source.exp_year,
            holder=source.holder,
            fingerprint=result.fingerprint,
            created_at=at,
        )
    else:
        result = gw.tokenize_sepa(iban=source.iban, holder=source.holder)
        if not result.ok:
            raise ValidationError({"iban": _("This IBAN is not valid.")})
        saved = _saved(user, result.fingerprint)
        if saved is not None:
            return saved
        method = _create_once(
            user,
            kind=PaymentMethod.Kind.SEPA,
            token=result.token,
            brand="sepa",
            last4=result.last4,
            holder=source.holder,
            fingerprint=result.fingerprint,
            created_at=at,
        )
    _track(user, "payment_method_added", {"kind": method.kind})
    return method


def _saved(user, fingerprint: str) -> PaymentMethod | None:
    """The user's saved method for this card or account, if it is still saved."""
    if not fingerprint:
        return None
    return PaymentMethod.objects.filter(
        user=user, fingerprint=fingerprint, removed_at__isnull=True
    ).first()


def _create_once(user, **fields) -> PaymentMethod:
    """Save a new method; when another request saved the same card a moment ago (two tabs),
    return that one instead (the unique constraint decides)."""
    try:
        with transaction.atomic():
            return PaymentMethod.objects.create(user=user, **fields)
    except IntegrityError:
        saved = _saved(user, fields.get("fingerprint", ""))
        if saved is None:
            raise
        return saved


def _resolve_source(user, source: PaymentSource, at: datetime) -> PaymentMethod:
    if isinstance(source, PaymentMethod):
        if source.user_id != user.pk or source.removed_at is not None:
            raise ValidationError(_("Choose one of your payment methods."))
        return source
    return payment_method_add(user=user, source=source, at=at)


@transaction.atomic
def payment_method_make_default(*, user, method: PaymentMethod) -> Subscription:
    """Use this method for the subscription's next charges."""
    if method.user_id != user.pk or method.removed_at is not None:
        raise ValidationError(_("Choose one of your payment methods."))
    sub = _subscription_locked(user)
    sub.payment_method = method
    sub.save(update_fields=["payment_method", "updated_at"])
    return sub


@transaction.atomic
def payment_method_remove(*, user, method: PaymentMethod, at: datetime | None = None) -> None:
    """Forget a method; the one paying for a running subscription must be replaced first."""
    at = at or clock.now()
    if method.user_id != user.pk:
        raise ValidationError(_("Choose one of your payment methods."))
    sub = _subscription_locked(user)
    if sub.is_paid and sub.payment_method_id == method.pk:
        raise ValidationError(
            _("This method pays for your subscription. Make another one the default first.")
        )
    method.removed_at = at
    method.save(update_fields=["removed_at"])
