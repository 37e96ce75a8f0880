import pytest
from django.core.management import call_command

SMALL = {"titles": 40, "viewers": 30, "seed": 42}


def seed_small(**options) -> None:
    """A small seed without posters (the artwork test makes its own)."""
    call_command("seed_demo", **{**SMALL, "no_artwork": True, "verbosity": 0, **options})


@pytest.fixture
def seeded(db):
    seed_small()
