"""The admin in French is in French: an admin who switched the site to French saw changelists
mixing "CREATED AT", "USER", "KIND", "STATUS" with "MONTANT", "REMBOURSÉ" (QA4 §6). Column
headers, filter titles and form labels come from model fields' verbose names; each one is
compared with the same page in English, and only words French spells the same way may match."""

import html
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import User
from apps.artwork.models import Impression
from apps.browse.models import TitleReminder
from apps.catalogue.models import Collection, Title
from apps.core import clock
from apps.engagement.models import Segment
from apps.parties.models import Party
from apps.playback.models import PlaybackPreference
from apps.subscriptions.models import (
    CancelReason,
    Checkout,
    Coupon,
    CouponRedemption,
    NewsletterSignup,
    Payment,
    Plan,
    Refund,
    Subscription,
    SubscriptionChange,
)
from apps.support.models import Ticket
from apps.tracking.models import AttributeDefinition, AttributeValue
from tests.demo.conftest import seed_small
from tests.factories import ArtworkVariantFactory

pytestmark = pytest.mark.django_db

# Words French writes exactly as English does (compared after stripping a trailing colon).
SAME_IN_FRENCH = {
    "Audience",
    "Audio",
    "Catalogue",
    "Code",
    "Collections",
    "Conditions",
    "Coupon",
    "Coupons",
    "Date",
    "Description",
    "E-mail",
    "Engagement",
    "Genres",
    "ID",
    "Image",
    "Maximum",
    "Message",
    "Minimum",
    "Page",
    "Position",
    "Segments",
    "Synopsis",
    "Total",
    "Type",
}

TH = re.compile(
    r'<th scope="col" class="[^"]*column-(?P<name>[\w-]+)[^"]*">.*?'
    r'<div class="text">(?:<a [^>]*>|<span>)?(?P<text>.*?)(?:</a>|</span>)?</div>',
    re.S,
)
FILTER = re.compile(r'<details data-filter-title="(?P<text>[^"]*)"')
LABEL = re.compile(r'<label[^>]* for="id_(?P<name>[\w-]+)"[^>]*>(?P<text>.*?)</label>', re.S)
INDEX_ENTRY = re.compile(  # keyed by link: the index sorts by name, so the order differs
    r'<(?:th scope="row"[^>]*|caption)>\s*<a href="(?P<name>[^"]+)"[^>]*>(?P<text>.*?)</a>', re.S
)
INLINE_TH = re.compile(r'<th class="column-(?P<name>[\w-]+)[^"]*">(?P<text>[^<]*)')


def _client(staff: User, language: str) -> Client:
    client = Client()
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _texts(pattern: re.Pattern, page: str) -> dict[str, str]:
    found = {}
    for i, match in enumerate(pattern.finditer(page)):
        text = html.unescape(re.sub(r"<[^>]+>", "", match["text"])).strip().rstrip(":").strip()
        if text:
            found[match.groupdict().get("name") or str(i)] = text
    return found


def _untranslated(french: dict[str, str], english: dict[str, str]) -> list[str]:
    return [
        f"{key}: {text!r}"
        for key, text in french.items()
        if english.get(key) == text and text[:1].upper() + text[1:] not in SAME_IN_FRENCH
    ]


@pytest.fixture
def world(db):
    """The small demo world plus one row of every model it leaves empty, so every changelist
    has a table with headers."""
    seed_small()
    now = clock.now()
    Group.objects.create(name="Curators")
    profile = User.objects.filter(profiles__isnull=False).first().profiles.first()
    definition = AttributeDefinition.objects.create(key="team", label="Team")
    AttributeValue.objects.create(
        definition=definition, profile=profile, value="red", updated_at=now
    )
    variant = ArtworkVariantFactory(title=Title.objects.first())
    Impression.objects.create(
        batch_id="b1",
        slot=0,
        profile=profile,
        title=variant.title,
        variant=variant,
        page="home",
        position=0,
        how="chosen",
        options=2,
        expected=0.1,
        shown_at=now,
    )
    PlaybackPreference.objects.create(profile=profile)
    payment = Payment.objects.filter(status="succeeded").first()
    Refund.objects.create(
        payment=payment,
        amount=100,
        currency=payment.currency,
        reason=Refund.Reason.WITHDRAWAL,
        idempotency_key="refund-1",
        created_at=now,
    )
    checkout = Checkout.objects.first()
    # Not Coupon.objects.first(): a transactional test earlier on the same worker empties the
    # tables, so rows a migration seeds may be gone.
    coupon = Coupon.objects.create(code="FRENCH10", percent_off=10)
    CouponRedemption.objects.create(
        coupon=coupon, user=checkout.user, checkout=checkout, created_at=now
    )
    CancelReason.objects.create(reason="price", given_at=now)
    NewsletterSignup.objects.create(email="fan@example.com", token="t1", requested_at=now)
    Segment.objects.create(name="Night owls")
    Party.objects.create(
        host=profile,
        title=variant.title,
        token="p1",
        created_at=now,
        expires_at=now + timedelta(days=1),
    )
    Ticket.objects.create(
        account=profile.account,
        category=Ticket.Category.choices[0][0],
        message="Hello",
        created_at=now,
        updated_at=now,
    )
    TitleReminder.objects.create(profile=profile, title=variant.title, created_at=now)
    assert Collection.objects.exists()


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="admin-fr@example.com", password="x")


def _changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_every_changelist_in_french_has_french_headers_and_filters(world, staff):
    french, english = _client(staff, "fr"), _client(staff, "en")
    problems, tables = {}, 0
    for url in _changelists():
        fr_page = french.get(url)
        en_page = english.get(url)
        assert fr_page.status_code == en_page.status_code == 200, url
        assert fr_page["Content-Language"] == "fr", url
        fr_html, en_html = fr_page.content.decode(), en_page.content.decode()
        fr_headers, en_headers = _texts(TH, fr_html), _texts(TH, en_html)
        if "cl" in (fr_page.context_data or {}):  # a standard changelist (not a report page)
            assert fr_headers, f"{url}: no table (the world has no row for it?)"
            tables += 1
        wrong = _untranslated(fr_headers, en_headers) + _untranslated(
            _texts(FILTER, fr_html), _texts(FILTER, en_html)
        )
        if wrong:
            problems[url] = wrong
    assert not problems, "\n".join(f"{url} {wrong}" for url, wrong in problems.items())
    assert tables >= 30


def test_admin_index_in_french_names_apps_and_models_in_french(world, staff):
    french = _client(staff, "fr").get("/admin/").content.decode()
    english = _client(staff, "en").get("/admin/").content.decode()
    fr_names, en_names = _texts(INDEX_ENTRY, french), _texts(INDEX_ENTRY, english)
    assert len(fr_names) >= 40  # every app caption and every registered model
    assert {"Forfaits", "Paiements", "Comptes", "Événements", "Saisons"} <= set(fr_names.values())
    assert not _untranslated(fr_names, en_names), _untranslated(fr_names, en_names)


def test_payment_changelist_reads_in_french_as_qa_saw_it(world, staff):
    page = _client(staff, "fr").get("/admin/subscriptions/payment/").content.decode()
    headers = set(_texts(TH, page).values())
    expected = {"Date", "Compte", "Type", "Statut", "Montant", "Remboursé", "Motif de l’échec"}
    assert expected <= headers
    assert not headers & {"Created at", "User", "Kind", "Status", "Failure reason"}


def test_every_add_form_in_french_has_french_labels(world, staff):
    french, english = _client(staff, "fr"), _client(staff, "en")
    problems, forms = {}, 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(_request(staff)):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        fr_page, en_page = french.get(url), english.get(url)
        assert fr_page.status_code == en_page.status_code == 200, url
        forms += 1
        fr_html, en_html = fr_page.content.decode(), en_page.content.decode()
        wrong = _untranslated(_texts(LABEL, fr_html), _texts(LABEL, en_html))
        wrong += _untranslated(_texts(INLINE_TH, fr_html), _texts(INLINE_TH, en_html))
        if wrong:
            problems[url] = wrong
    assert not problems, "\n".join(f"{url} {wrong}" for url, wrong in problems.items())
    assert forms >= 15


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_payment_and_plan_lists_in_french_keep_a_fixed_query_budget(
    world, staff, django_assert_max_num_queries
):
    """More rows than the budget: a query per payment or plan would break it."""
    assert Payment.objects.count() > 8 and Plan.objects.count() > 4
    client = _client(staff, "fr")
    for url in ("/admin/subscriptions/payment/", "/admin/subscriptions/plan/"):
        client.get(url)  # warm caches (the site's and the session's)
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


DATE_HIERARCHY = re.compile(r'<span id="date-hierarchy-label">(?P<text>[^<]*)</span>')


def test_date_filters_in_french_name_a_date_not_a_participle(world, staff):
    """QA saw "Filtrer par créé le" above the subscription list: Django writes "Filter by
    <field>" and "By <field>", so a date field's French name is a noun ("date de création")."""
    french, clumsy = _client(staff, "fr"), {}
    for url in _changelists():
        page = french.get(url).content.decode()
        titles = [*_texts(DATE_HIERARCHY, page).values(), *_texts(FILTER, page).values()]
        wrong = [t for t in titles if re.search(r"\b(le|du|à)$", t)]
        if wrong:
            clumsy[url] = wrong
    assert not clumsy, clumsy
    page = french.get("/admin/subscriptions/subscription/").content.decode()
    assert "Filtrer par date de création" in page
    english = _client(staff, "en").get("/admin/subscriptions/subscription/").content.decode()
    assert "Filter by created at" in english


def test_subscription_history_and_refund_reasons_show_french_words_not_codes(world, staff):
    """The history under a subscription and the refund list showed 'renewed', 'withdrawal'."""
    french = _client(staff, "fr")
    sub = Subscription.objects.filter(changes__isnull=False).first()
    codes = set(sub.changes.values_list("event", flat=True))
    assert codes, "the world has a subscription with history"
    page = french.get(f"/admin/subscriptions/subscription/{sub.pk}/change/").content.decode()
    cells = set(re.findall(r'<td class="field-event">\s*<p>([^<]*)</p>', page))
    with translation.override("fr"):
        labels = {str(SubscriptionChange.Event(code).label) for code in codes}
    assert cells == labels and not cells & codes
    raw = [code for code in codes if re.search(rf">[^<]*\b{code}\b[^<]*<", page)]
    assert not raw, f"codes shown as text (a row's heading?): {raw}"
    refunds = french.get("/admin/subscriptions/refund/").content.decode()
    assert '<td class="field-reason">Rétractation</td>' in refunds
    assert ">withdrawal<" not in refunds


def test_every_app_with_models_has_a_french_name(world, staff):
    """An app's name shows in the admin's permission lists ("Browse | …" under Groups)."""
    named = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("apps.") or not list(config.get_models()):
            continue
        with translation.override("en"):
            english = str(config.verbose_name)
        with translation.override("fr"):
            named[english] = str(config.verbose_name)
    untranslated = [en for en, fr in named.items() if en == fr and en not in SAME_IN_FRENCH]
    assert not untranslated, untranslated
    groups = _client(staff, "fr").get("/admin/auth/group/add/").content.decode()
    assert "Accueil et Ma liste | " in groups and "Browse | " not in groups
