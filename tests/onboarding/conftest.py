import pytest

from tests.factories import ProfileFactory, signed_in


def sign_in(client, profile):
    """`client` signed in as the profile's account with that profile chosen."""
    return signed_in(profile, client)


@pytest.fixture
def newcomer(db):
    """A profile that has not been through onboarding yet."""
    return ProfileFactory(onboarded_at=None)


@pytest.fixture
def newcomer_client(client, newcomer):
    return sign_in(client, newcomer)
