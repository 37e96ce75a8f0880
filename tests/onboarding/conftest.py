import pytest

from tests.factories import ProfileFactory


def sign_in(client, profile):
    """`client` signed in as the profile's account with that profile chosen."""
    client.force_login(profile.account)
    session = client.session
    session["profile_id"] = profile.pk
    session.save()
    client.profile = profile
    return client


@pytest.fixture
def newcomer(db):
    """A profile that has not been through onboarding yet."""
    return ProfileFactory(onboarded_at=None)


@pytest.fixture
def newcomer_client(client, newcomer):
    return sign_in(client, newcomer)
