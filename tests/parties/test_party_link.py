"""Back to a live party: the title page and the player lead a host (or a guest) back to the
party they are in, instead of a "Watch together" that would only redirect there."""

import re
from datetime import timedelta

from apps.core import clock
from apps.parties import selectors, services
from tests.factories import ProfileFactory, TitleFactory, signed_in


def party_action(html: str) -> str:
    """The party button or link in a title page's actions or a player's top bar, as words."""
    found = re.search(r'<a class="btn[^"]*" href="(/party/\d+/)">([^<]+)</a>', html)
    if found:
        return f"{found.group(2)} -> {found.group(1)}"
    if 'formaction="/party/new/"' in html or 'action="/party/new/"' in html:
        return "Watch together"
    return ""


def pages(client, title) -> tuple[str, str]:
    title_page = client.get(title.get_absolute_url()).content.decode()
    player = client.get(f"/watch/title/{title.pk}/").content.decode()
    return party_action(title_page), party_action(player)


def test_the_host_of_a_live_party_goes_back_to_it_from_the_title_page_and_the_player(
    party, host, film
):
    client = signed_in(host)
    back = f"Back to your party -> /party/{party.pk}/"
    assert pages(client, film) == (back, back)
    assert "Watch together" not in client.get(film.get_absolute_url()).content.decode()


def test_another_title_names_the_film_the_hosts_party_is_on(party, host):
    other = TitleFactory(name="Blue Canal")
    back = f"Back to your party (Harbour Lights) -> /party/{party.pk}/"
    assert pages(signed_in(host), other) == (back, back)


def test_a_guest_goes_back_to_the_party_on_this_title_only(party, guest, film):
    services.party_join(token=party.token, profile=guest)
    client = signed_in(guest)
    back = f"Back to the party -> /party/{party.pk}/"
    assert pages(client, film) == (back, back)
    # A guest is called back only from the party's own title.
    assert pages(client, TitleFactory(name="Blue Canal")) == ("Watch together", "Watch together")


def test_hosting_comes_before_being_a_guest(party, guest, film):
    services.party_join(token=party.token, profile=guest)
    own = services.party_create(profile=guest, title=TitleFactory(name="Blue Canal"))
    back = f"Back to your party (Blue Canal) -> /party/{own.pk}/"
    assert pages(signed_in(guest), film) == (back, back)


def test_watch_together_is_back_once_the_party_is_over_or_left(party, host, guest, film):
    services.party_join(token=party.token, profile=guest)
    member = party.members.get(profile=guest)
    services.party_leave(member=member)
    assert pages(signed_in(guest), film) == ("Watch together", "Watch together")
    services.party_end(party=party, profile=host)
    assert pages(signed_in(host), film) == ("Watch together", "Watch together")


def test_an_expired_party_no_longer_calls_anyone_back(party, host, film):
    party.expires_at = clock.now() - timedelta(minutes=1)
    party.save(update_fields=["expires_at"])
    assert pages(signed_in(host), film) == ("Watch together", "Watch together")


def test_someone_elses_party_is_not_offered(party, film):
    stranger = ProfileFactory(name="Sam")
    assert pages(signed_in(stranger), film) == ("Watch together", "Watch together")


def test_the_party_link_is_one_query(party, host, film, django_assert_num_queries):
    with django_assert_num_queries(1):
        link = selectors.party_link_for(profile=host, title=film)
    assert link is not None and link.hosting


def test_the_buttons_are_in_french(party, host, film):
    client = signed_in(host)
    client.cookies["django_language"] = "fr"
    html = client.get(TitleFactory(name="Blue Canal").get_absolute_url()).content.decode()
    assert "Retour à votre visionnage en groupe (Harbour Lights)" in html
