"""Admins curate plans and see billing records in the admin: prices typed in euros, a plan that
cannot be sold is refused, money is written as the site writes it."""

import pytest

from apps.core import clock
from apps.subscriptions import plan_rules
from apps.subscriptions.models import Payment, Plan, Refund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/subscriptions/plan/add/"


def _form(**fields):
    base = {
        "name": "Plus",
        "code": "plus",
        "tagline": "",
        "monthly_price": "7.99",
        "yearly_price": "79.90",
        "currency": "EUR",
        "max_streams": "2",
        "max_quality": "hd",
        "max_profiles": "5",
        "downloads_per_device": "25",
        "download_devices": "2",
        "max_accounts": "1",
        "sort_order": "9",
    }
    return base | fields


def test_prices_are_typed_in_euros_and_a_new_plan_is_not_offered_until_ticked(admin_client):
    page = admin_client.get(ADD).content.decode()
    assert "In euros, for example 7.99." in page
    assert 'name="is_active" id="id_is_active" checked' not in page

    response = admin_client.post(ADD, _form())
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(code="plus")
    assert (plan.monthly_amount, plan.yearly_amount, plan.is_active) == (799, 7990, False)
    assert not Plan.objects.offered().filter(code="plus").exists()
    assert "€7.99" in admin_client.get("/admin/subscriptions/plan/").content.decode()


def test_editing_a_plan_shows_its_price_in_euros_and_keeps_it_offered(admin_client):
    plan = Plan.objects.create(code="plus", name="Plus", monthly_amount=1349, yearly_amount=13490)
    url = f"/admin/subscriptions/plan/{plan.pk}/change/"
    assert 'value="13.49"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, _form(monthly_price="13.49", is_active="on"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.monthly_amount, plan.is_active) == (1349, True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"currency": "XYZ"}, "Select a valid choice."),
        ({"max_streams": "0"}, "at least one screen"),
        ({"max_profiles": "0"}, "at least one profile"),
        ({"monthly_price": "0"}, "A paid plan needs a price above 0."),
        ({"yearly_price": "0"}, "A paid plan needs a price above 0."),
        ({"monthly_price": "-1"}, "greater than or equal to 0"),
        ({"monthly_price": "7.999"}, "more than 2 decimal places"),
        ({"code": "free", "monthly_price": "5"}, "The Free plan costs nothing"),
    ],
)
def test_a_plan_that_cannot_be_sold_is_refused_and_nothing_is_saved(admin_client, fields, message):
    before = Plan.objects.count()
    response = admin_client.post(ADD, _form(**fields))
    assert response.status_code == 200 and message in response.content.decode()
    assert Plan.objects.count() == before


def test_the_rules_name_each_broken_field():
    problems = plan_rules.plan_problems(
        code="qa3", currency="XYZ", monthly_amount=5, yearly_amount=0, max_streams=0, max_profiles=0
    )
    assert problems == {
        "currency": "currency_not_billed",
        "max_streams": "no_screen",
        "max_profiles": "no_profile",
        "yearly_amount": "paid_without_price",
    }
    assert plan_rules.to_minor_units(plan_rules.from_minor_units(799)) == 799


def test_payment_and_refund_lists_write_money_not_cents(admin_client):
    user = UserFactory()
    payment = Payment.objects.create(
        user=user,
        kind=Payment.Kind.INITIAL,
        status=Payment.Status.SUCCEEDED,
        amount=1349,
        credit_applied=250,
        refunded_amount=1349,
        currency="EUR",
        idempotency_key="k1",
        created_at=clock.now(),
    )
    Refund.objects.create(
        payment=payment,
        amount=1349,
        currency="EUR",
        reason="withdrawal",
        idempotency_key="r1",
        created_at=clock.now(),
    )
    payments = admin_client.get("/admin/subscriptions/payment/").content.decode()
    assert "€2.50" in payments and payments.count("€13.49") == 2
    assert ">1349<" not in payments and ">250<" not in payments
    refunds = admin_client.get("/admin/subscriptions/refund/").content.decode()
    assert "First payment €13.49 (" in refunds and "1349 EUR" not in refunds


def test_a_new_plan_starts_at_full_hd_and_last_in_the_list(admin_client):
    """QA9: a new plan defaulted to SD and order 0, so it was listed second, after Free."""
    Plan.objects.update(sort_order=5)
    Plan.objects.create(code="a", name="A", monthly_amount=500, yearly_amount=5000, sort_order=70)
    page = admin_client.get(ADD).content.decode()
    assert '<option value="hd" selected>Full HD</option>' in page
    assert 'name="sort_order" value="80"' in page


def test_a_dearer_plan_that_gives_less_than_a_cheaper_offered_one_is_refused(admin_client):
    Plan.objects.update(is_active=False)  # only these two plans are offered
    Plan.objects.create(
        code="cheap",
        name="Cheap 4K",
        monthly_amount=999,
        yearly_amount=9990,
        max_streams=4,
        max_quality="uhd",
        is_active=True,
    )
    Plan.objects.create(
        code="dear",
        name="Dear",
        monthly_amount=2999,
        yearly_amount=29990,
        max_streams=8,
        max_quality="uhd",
        is_active=True,
    )
    before = Plan.objects.count()
    response = admin_client.post(
        ADD,
        _form(name="Ultra", code="ultra", monthly_price="29.99", max_streams="8", max_quality="sd"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Cheap 4K” costs less (€9.99 a month) and gives more (4 screens, 4K Ultra HD)" in html
    assert Plan.objects.count() == before
    response = admin_client.post(
        ADD,
        _form(name="Lite", code="lite", monthly_price="4.99", max_streams="10", max_quality="uhd"),
    )
    assert "“Cheap 4K” costs more (€9.99 a month) and would give less than this plan" in (
        response.content.decode()
    )
    assert Plan.objects.count() == before
    # As much as the cheaper plan, for more: accepted.
    response = admin_client.post(
        ADD,
        _form(
            name="Ultra", code="ultra", monthly_price="19.99", max_streams="4", max_quality="uhd"
        ),
    )
    assert response.status_code == 302


def test_plan_value_rules():
    cheap = plan_rules.Offer(name="Basic", monthly_amount=799, max_streams=1, max_quality="hd")
    ultra = plan_rules.Offer(name="Ultra", monthly_amount=2999, max_streams=8, max_quality="sd")
    assert plan_rules.gives_less(ultra, cheap)  # a worse picture for more money
    assert not plan_rules.gives_less(cheap, ultra)  # cheaper: never "gives less" for the money
    same = plan_rules.Offer(name="Basic+", monthly_amount=899, max_streams=1, max_quality="hd")
    assert plan_rules.value_conflicts(same, [cheap, ultra]) == (None, ultra)


def test_ticking_offered_in_the_plan_list_meets_the_same_value_rule(admin_client):
    Plan.objects.all().delete()
    cheap = Plan.objects.create(
        code="cheap",
        name="Cheap 4K",
        monthly_amount=999,
        yearly_amount=9990,
        max_streams=4,
        max_quality="uhd",
        is_active=True,
        sort_order=1,
    )
    ultra = Plan.objects.create(
        code="ultra",
        name="Ultra",
        monthly_amount=2999,
        yearly_amount=29990,
        max_streams=8,
        max_quality="sd",
        is_active=False,
        sort_order=2,
    )
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": cheap.pk,
        "form-0-is_active": "on",
        "form-0-sort_order": "1",
        "form-1-id": ultra.pk,
        "form-1-is_active": "on",
        "form-1-sort_order": "2",
        "_save": "Save",
    }
    response = admin_client.post("/admin/subscriptions/plan/", data)
    assert response.status_code == 200
    assert "“Cheap 4K” costs less (€9.99 a month) and gives more" in response.content.decode()
    ultra.refresh_from_db()
    assert not ultra.is_active
    data["form-1-is_active"] = ""
    data["form-1-sort_order"] = "5"  # the rest of the list still saves
    assert admin_client.post("/admin/subscriptions/plan/", data).status_code == 302
    ultra.refresh_from_db()
    assert ultra.sort_order == 5 and not ultra.is_active


def _list_post(plans, ticked):
    data = {"form-TOTAL_FORMS": str(len(plans)), "form-INITIAL_FORMS": str(len(plans))}
    for i, plan in enumerate(plans):
        data[f"form-{i}-id"] = plan.pk
        data[f"form-{i}-is_active"] = "on" if plan in ticked else ""
        data[f"form-{i}-sort_order"] = str(plan.sort_order)
    return data | {"_save": "Save"}


def test_two_plans_ticked_together_that_contradict_each_other_are_both_refused(admin_client):
    Plan.objects.all().delete()
    cheap = Plan.objects.create(
        code="cheap", name="Cheap 4K", monthly_amount=999, yearly_amount=9990,
        max_streams=4, max_quality="uhd", is_active=False, sort_order=1,
    )  # fmt: skip
    ultra = Plan.objects.create(
        code="ultra", name="Ultra", monthly_amount=2999, yearly_amount=29990,
        max_streams=8, max_quality="sd", is_active=False, sort_order=2,
    )  # fmt: skip
    response = admin_client.post(
        "/admin/subscriptions/plan/", _list_post([cheap, ultra], {cheap, ultra})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the errors below." in html
    assert "“Cheap 4K” costs less (€9.99 a month) and gives more" in html
    assert "“Ultra” costs more (€29.99 a month) and would give less than this plan" in html
    assert not Plan.objects.filter(is_active=True).exists()
    # Offering one while taking the other off the list in the same save is fine.
    ultra.is_active = True
    ultra.save()
    response = admin_client.post("/admin/subscriptions/plan/", _list_post([cheap, ultra], {cheap}))
    assert response.status_code == 302
    assert list(Plan.objects.filter(is_active=True)) == [cheap]


def test_ticking_offered_in_the_plan_list_refuses_a_plan_that_cannot_be_sold(admin_client):
    Plan.objects.all().delete()
    # Written straight to the database (the change form would refuse it): paid, yet free.
    plan = Plan.objects.create(
        code="plus", name="Plus", monthly_amount=0, yearly_amount=4990,
        max_streams=2, max_quality="hd", is_active=False, sort_order=1,
    )  # fmt: skip
    response = admin_client.post("/admin/subscriptions/plan/", _list_post([plan], {plan}))
    assert response.status_code == 200
    assert "A paid plan needs a price above 0." in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_active


def test_the_plan_lists_editable_inputs_say_which_plan_they_change(admin_client):
    """qa13: the "offered" tick and the order box had no label; a screen reader heard only
    "checkbox" on every row."""
    Plan.objects.create(code="plus", name="Plus", monthly_amount=799, yearly_amount=7990)
    page = admin_client.get("/admin/subscriptions/plan/").content.decode()
    assert 'aria-label="Offered: Plus"' in page
    assert 'aria-label="Order: Plus"' in page
