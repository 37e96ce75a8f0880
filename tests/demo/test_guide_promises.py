"""What the guide's flows promise on a freshly seeded demo, done the way the guide says (the
walk of every flow on the default world, /work/notes/guide-findings.md)."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import Profile
from apps.demo import guide
from apps.experiments.models import Experiment
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _flow(key: str) -> str:
    return str(next(f for f in guide.FLOWS if f["key"] == key)["description"])


def _persona(email: str, name: str) -> Profile:
    return Profile.objects.get(account__email=email, name=name)


def test_the_holdout_report_starts_empty_and_fills_as_the_guide_says(admin_client, seeded):
    """Experiments flow: a fresh demo has no exposure (personas excluded, generated viewers
    do not visit); a persona let in at 100 % with control weight 0 gets the non-personal
    homepage and the report counts its exposure in the holdout line."""
    experiment = Experiment.objects.get(key="homepage-holdout")
    report_url = reverse("admin:experiments_experiment_report", args=[experiment.pk])
    assert "No exposures yet" in admin_client.get(report_url).content.decode()
    assert "No exposures yet" in _flow("experiments")

    morgan = _persona("horror@demo.test", "Morgan")
    experiment.excluded_profiles.remove(morgan)
    experiment.traffic_percent = 100
    experiment.save()
    experiment.variants.filter(key="control").update(weight=0)

    home = signed_in(morgan).get("/").content.decode()

    assert "Popular on Streamfront" in home and "Top picks for Morgan" not in home
    html = admin_client.get(report_url).content.decode()
    assert "No exposures yet" not in html
    rows = dict(re.findall(r"<tr>\s*<td>(\w+)[^<]*</td>\s*<td>\d+</td>\s*<td>(\d+)</td>", html))
    assert rows == {"control": "0", "holdout": "1"}


def test_withdrawal_is_tried_as_riley_because_sams_fourteen_days_are_over(seeded):
    """Subscription flow: Sam's plan is months old (no withdrawal); Riley chooses a plan,
    pays, and Withdraw on Plan and billing refunds it, as the guide now says."""
    sam = signed_in(_persona("comedy@demo.test", "Sam"))
    over = sam.get(reverse("subscriptions:withdraw")).content.decode()
    assert "The withdrawal period is over" in over
    flow = _flow("subscription")
    assert "Riley" in flow and "withdraw within 14 days" not in flow

    page = signed_in(_persona("new@demo.test", "Riley"))
    checkout = reverse("subscriptions:checkout", args=["basic"])
    html = page.get(f"{checkout}?interval=month").content.decode()
    response = page.post(
        checkout,
        {
            "key": re.search(r'name="key" value="([^"]+)"', html).group(1),
            "amount": re.search(r'name="amount" value="(\d+)"', html).group(1),
            "interval": "month",
            "method": "card",
            "card-holder": "Riley New",
            "card-number": "4242 4242 4242 4242",
            "card-expiry": "12/30",
            "card-cvc": "123",
            "start_now": "on",
        },
    )
    assert response.status_code == 302
    html = page.get(reverse("subscriptions:withdraw")).content.decode()
    assert "Withdraw and refund €7.99" in html
    form = {
        "token": re.search(r'name="token" value="([^"]+)"', html).group(1),
        "amount": re.search(r'name="amount" value="(\d+)"', html).group(1),
    }
    done = page.post(reverse("subscriptions:withdraw"), form, follow=True).content.decode()
    assert "You have withdrawn. €7.99 is on its way back to you" in done


def test_the_identity_flow_says_how_many_sign_ups_get_the_holdout_homepage(seeded):
    """A new account may enter the homepage holdout (personas never do): the identity flow
    says how often, from the seeded experiment's traffic share and weights."""
    experiment = Experiment.objects.get(key="homepage-holdout")
    weights = {v.key: v.weight for v in experiment.variants.all()}
    share = float(experiment.traffic_percent) / 100 * weights["holdout"] / sum(weights.values())
    assert f"About 1 new account in {round(1 / share)} enters" in _flow("identity")
