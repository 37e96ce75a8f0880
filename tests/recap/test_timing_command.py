"""`manage.py recap_timing` (the README's number): recomputes every watching profile's recap."""

from io import StringIO

from django.core.management import call_command

from apps.recap.models import Recap
from tests.factories import ProfileFactory


def test_timing_command_computes_every_watching_profile(now, viewer):
    ProfileFactory()  # watched nothing: not computed
    out = StringIO()
    call_command("recap_timing", stdout=out)
    assert out.getvalue().startswith("Computed 1 recaps in ")
    assert Recap.objects.get(profile=viewer).data["minutes"] == 335
