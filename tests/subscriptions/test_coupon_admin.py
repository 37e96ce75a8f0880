"""Admins create coupons in the Django admin; the redemption count is never typed."""

import pytest

from apps.subscriptions.models import Coupon

pytestmark = pytest.mark.django_db
ADD = "/admin/subscriptions/coupon/add/"


def _form(**fields):
    base = {
        "code": " spring25 ",
        "description": "Spring",
        "percent_off": "25",
        "amount_off": "0",
        "currency": "EUR",
        "periods": "3",
        "interval": "",
        "expires_at_0": "2026-05-31",
        "expires_at_1": "23:59:00",
        "max_redemptions": "100",
        "is_active": "on",
    }
    return base | fields


def test_an_admin_creates_a_coupon_with_a_normalised_code(admin_client):
    response = admin_client.post(ADD, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    coupon = Coupon.objects.get(description="Spring")
    assert (coupon.code, coupon.percent_off, coupon.periods, coupon.max_redemptions) == (
        "SPRING25",
        25,
        3,
        100,
    )
    assert coupon.times_redeemed == 0
    assert "SPRING25" in admin_client.get("/admin/subscriptions/coupon/").content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"percent_off": "25", "amount_off": "500"}, "either a percentage or an amount"),
        ({"percent_off": "0", "amount_off": "0"}, "Give a percentage or an amount off."),
        ({"percent_off": "120"}, "At most 100 percent."),
    ],
)
def test_a_coupon_takes_a_percentage_or_an_amount(admin_client, fields, message):
    response = admin_client.post(ADD, _form(**fields))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Coupon.objects.filter(description="Spring").exists()


@pytest.mark.parametrize("code", ["QA ODD/ÇODE;--", "SPRING 25", "-SPRING", "SPRING--25", "ÉTÉ"])
def test_a_coupon_code_is_something_a_viewer_can_type_and_share(admin_client, code):
    """QA2: "QA ODD/ÇODE;--" was accepted; it worked at checkout only URL-encoded."""
    response = admin_client.post(ADD, _form(code=code))
    assert response.status_code == 200
    assert "A code is letters A-Z, digits and hyphens (e.g. SPRING-25)" in response.content.decode()
    assert not Coupon.objects.filter(description="Spring").exists()


def test_a_hyphenated_coupon_code_is_saved(admin_client):
    assert admin_client.post(ADD, _form(code="spring-25")).status_code == 302
    assert Coupon.objects.get(description="Spring").code == "SPRING-25"


def test_two_coupons_never_share_a_code_whatever_the_case(admin_client):
    Coupon.objects.create(code="SPRING25", percent_off=10)
    response = admin_client.post(ADD, _form(code="Spring25"))
    assert (
        response.status_code == 200 and "Another coupon has this code." in response.content.decode()
    )


def test_each_coupon_mistake_is_worded_on_its_field_without_constraint_names(admin_client):
    """The QA case: percent 150, amount 500, 0 periods: three human messages, no raw names."""
    response = admin_client.post(ADD, _form(percent_off="150", amount_off="500", periods="0"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "At most 100 percent." in page
    assert "Give either a percentage or an amount off, not both." in page
    assert "At least one billing period." in page
    assert "is violated" not in page and "coupon_percent_or_amount" not in page
    assert not Coupon.objects.filter(description="Spring").exists()


def test_a_limit_below_the_redemptions_so_far_is_refused(admin_client):
    coupon = Coupon.objects.create(code="USED", percent_off=10, times_redeemed=5)
    url = f"/admin/subscriptions/coupon/{coupon.pk}/change/"
    response = admin_client.post(url, _form(code="USED", max_redemptions="3"))
    assert response.status_code == 200
    assert "Already redeemed 5 times: the limit cannot be lower." in response.content.decode()
    coupon.refresh_from_db()
    assert coupon.max_redemptions is None
