"""The hand-drawn checkboxes' help text is read with them (QA14 #4): "Start my plan now" and
"Make this my default card" pointed aria-describedby at an id no element had, so a screen
reader never said the withdrawal sentence or what the default card means."""

import re

import pytest

from apps.demo import billing as demo_billing

pytestmark = pytest.mark.django_db


def described_ids_missing(html: str, control_id: str) -> list[str]:
    tag = re.search(rf'<input[^>]*id="{control_id}"[^>]*>', html).group(0)
    ids = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    return [i for i in ids if f'id="{i}"' not in html]


def test_start_now_is_described_by_the_withdrawal_sentence(viewer_client, plans, now, spy):
    html = viewer_client.get("/account/subscription/checkout/standard/?interval=month")
    html = html.content.decode()
    assert described_ids_missing(html, "id_start_now") == []
    help_span = re.search(r'id="id_start_now_helptext">([^<]+)<', html).group(1)
    assert "14" in help_span  # the withdrawal period it explains


def test_make_default_is_described_by_its_help(viewer_client, plans, now, spy):
    user = viewer_client.profile.account
    demo_billing.demo_subscription(user=user, plan_code="standard", months=3, then="past_due")
    html = viewer_client.get("/account/subscription/pay-now/").content.decode()
    assert described_ids_missing(html, "id_make_default") == []
    assert re.search(r'id="id_make_default_helptext">\s*\S', html)
