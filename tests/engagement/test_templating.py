"""Liquid message templates: defaults, money, recommendations, the skip rule, the sandbox,
parse errors, and the per-channel shapes."""

from datetime import UTC, datetime

import pytest

from apps.engagement import templating
from apps.engagement.models import Campaign, Category, Channel, Variant
from apps.engagement.templating import Rendered, Skipped
from apps.recommendations.models import ProfileCandidates
from tests.factories import ArtworkVariantFactory, ProfileFactory, TitleFactory

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def variant(body, subject="Hello", cta_label="", cta_url="", **extra):
    """An unsaved variant: rendering needs only its texts."""
    return Variant(subject=subject, body=body, cta_label=cta_label, cta_url=cta_url, **extra)


def render(v, profile, context=None, channel=Channel.IN_APP):
    return templating.render(v, channel=channel, profile=profile, context=context or {}, now=NOW)


@pytest.fixture
def ann(db):
    return ProfileFactory(name="Ann", account__language="en")


def test_profile_name_and_default(ann):
    result = render(variant("Hi {{ profile.name | default: 'there' }}!"), ann)
    assert isinstance(result, Rendered)
    assert result.text == "Hi Ann!"
    missing = render(variant("Hi {{ profile.nickname | default: 'there' }}!"), ann)
    assert missing.text == "Hi there!"


def test_money_in_the_viewers_language(ann):
    v = variant("Your basket: {{ event.amount | money: event.currency }}")
    assert render(v, ann, {"amount": "9.99", "currency": "EUR"}).text == "Your basket: €9.99"
    assert render(v, ann, {"amount": 1349, "currency": "EUR"}).text == "Your basket: €13.49"
    french = ProfileFactory(account__language="fr")
    assert render(v, french, {"amount": "1234.50", "currency": "EUR"}).text == (
        "Your basket: 1\xa0234,50\xa0€"
    )
    assert render(variant("{{ event.amount | money }}"), ann, {"amount": 500}).text == "€5.00"


def test_long_date_writes_dates_as_the_site_does_in_the_viewers_language(ann):
    v = variant("Renews on {{ event.date | long_date }}.")
    assert render(v, ann, {"date": "2027-01-16"}).text == "Renews on 16 January 2027."
    assert render(v, ann, {"date": "2027-01-16T08:00:00+00:00"}).text == (
        "Renews on 16 January 2027."
    )
    french = ProfileFactory(account__language="fr")
    assert render(v, french, {"date": "2027-01-16"}).text == "Renews on 16 janvier 2027."
    # French writes the first of a month as an ordinal; English does not.
    assert render(v, french, {"date": "2027-02-01"}).text == "Renews on 1er février 2027."
    assert render(v, ann, {"date": "2027-02-01"}).text == "Renews on 1 February 2027."
    # A moment is written as the viewer's day: 23:30 UTC on 31 January is 1 February in Paris.
    parisian = ProfileFactory(account__language="fr", account__time_zone="Europe/Paris")
    late = {"date": "2027-01-31T23:30:00+00:00"}
    assert render(v, parisian, late).text == "Renews on 1er février 2027."
    assert render(v, ann, {"date": "soon"}).text == "Renews on soon."
    assert render(v, ann, {}) == Skipped("missing:event.date")


def test_a_missing_value_without_default_skips_the_send_with_its_name(ann):
    v = variant("Your basket: {{ event.amount | money }}")
    assert render(v, ann, {}) == Skipped("missing:event.amount")
    assert render(variant("x", subject="{{ event.title }}"), ann) == Skipped("missing:event.title")
    # A guard or a default is not a miss.
    guarded = variant("{% if event.amount %}{{ event.amount | money }}{% else %}soon{% endif %}")
    assert render(guarded, ann, {}).text == "soon"
    assert render(variant("{{ event.amount | default: 'a few euros' }}"), ann).text == (
        "a few euros"
    )


def test_recommendations_loop_with_artwork(ann):
    titles = [TitleFactory(name=f"Film {i}") for i in range(4)]
    for title in titles:
        ArtworkVariantFactory(title=title)
    ProfileCandidates.objects.create(
        profile=ann,
        computed_at=NOW,
        source=ProfileCandidates.Source.PERSONAL,
        items=[[t.pk, 0.9, 90, 0] for t in reversed(titles)],
    )
    v = variant(
        "{% for t in recommendations limit: 3 %}{{ t.title }} "
        '<img src="{{ t.artwork_url }}" alt="">{% endfor %}'
    )
    assert render(v, ann).text.split() == ["Film", "3", "Film", "2", "Film", "1"]
    result = render(v, ann, channel=Channel.EMAIL)
    assert result.html.count('src="/media/artwork/x/card.jpg"') == 3
    assert "Film 0" not in result.html


def test_recommendations_fall_back_to_popular_titles(ann):
    from django.core.cache import cache

    from apps.recommendations.models import GlobalList

    popular = [TitleFactory(name=f"Hit {i}") for i in range(2)]
    unreleased = TitleFactory(name="Next year", is_published=False)
    GlobalList.objects.create(
        key="popular", computed_at=NOW, items=[unreleased.pk, *[t.pk for t in popular]]
    )
    cache.clear()
    v = variant("{% for t in recommendations limit: 3 %}[{{ t.title }}]{% endfor %}")
    assert render(v, ann).text == "[Hit 0][Hit 1]"


def test_sandbox_reaches_only_the_given_data(ann):
    # The profile is a plain dict: no path leads to its account or to Python attributes.
    assert render(variant("{{ profile.account.password }}"), ann) == Skipped(
        "missing:profile.account"
    )
    assert render(variant("{{ profile.name.__class__ }}"), ann) == Skipped(
        "missing:profile.name.__class__"
    )
    assert render(variant("{{ profile.account.password | default: '' }}"), ann).text == ""
    # No include or render: naming a file is a parse error, so it cannot be saved.
    assert "unexpected tag 'include'" in templating.template_errors("{% include 'secrets' %}")
    assert "unexpected tag 'render'" in templating.template_errors("{% render '/etc/passwd' %}")


def test_runaway_templates_are_stopped(ann):
    endless = variant("{% for i in (1..1000000) %}{{ i }}{% endfor %}")
    assert render(endless, ann) == Skipped("template_error")


def test_values_are_escaped_in_html_and_links_stay_on_the_site(ann):
    v = variant("<p>{{ event.title }}</p>", cta_label="Watch", cta_url="/watch/{{ event.id }}/")
    result = render(v, ann, {"title": "<script>x</script>", "id": 12}, Channel.EMAIL)
    assert "<script>x" not in result.html
    assert "&lt;script&gt;" in result.html
    assert result.cta_url == "/watch/12/"
    elsewhere = variant("x", cta_url="{{ event.url }}")
    assert render(elsewhere, ann, {"url": "//evil.example/"}) == Skipped("bad_link")
    assert render(elsewhere, ann, {"url": "javascript:alert(1)"}) == Skipped("bad_link")
    assert render(elsewhere, ann, {"url": "/" + "x" * 300}) == Skipped("bad_link")
    # Longer than the message tables hold: shortened, not a database error later.
    both = variant("x", subject="{{ event.t }}", cta_label="{{ event.t }}")
    long = render(both, ann, {"t": "y" * 500})
    assert len(long.subject) == 200 and len(long.cta_label) == 60


def test_parse_errors_name_the_line():
    assert templating.template_errors("Hello {{ profile.name }}") is None
    assert templating.template_errors("{% for t in recommendations limit: 3 %}{% endfor %}") is None
    error = templating.template_errors("Hello\n{% if event.amount %}\nno end")
    assert error is not None and "endif" in error
    unknown = templating.template_errors("Hello\n\n{{ event.amount | monney }}")
    assert unknown == "line 3: unknown filter 'monney'"


def test_channels_shapes(ann):
    long_body = "<p>" + "A new episode is waiting for you. " * 10 + "</p>"
    v = variant(long_body, subject="New: {{ event.series }}", cta_label="Play", cta_url="/t/")
    context = {"series": "Night Shift", "image_url": "/media/frame.jpg"}

    in_app = render(v, ann, context, Channel.IN_APP)
    assert in_app.subject == "New: Night Shift"
    assert in_app.html == ""
    assert in_app.image_url == "/media/frame.jpg"
    assert (in_app.cta_label, in_app.cta_url) == ("Play", "/t/")

    push = render(v, ann, context, Channel.PUSH)
    assert len(push.text) <= 120 and push.text.endswith("…")
    assert push.html == ""

    email = render(v, ann, context, Channel.EMAIL)
    assert email.html.startswith("<!DOCTYPE html>")
    assert "New: Night Shift" in email.html and 'href="/t/"' in email.html
    assert 'style="' in email.html  # CSS inlined for mail clients
    assert email.text.startswith("New: Night Shift\n\nA new episode")
    assert "Play: /t/" in email.text


def test_email_bodies_absolute_links_and_unsubscribe():
    text, html = templating.email_bodies(
        subject="Hi",
        body_html='<img src="/media/a.jpg" alt="">',
        text="Hi",
        cta_label="Go",
        cta_url="/watch/1/",
        image_url="",
        language="en",
        unsubscribe_url="https://sf.example/u/abc/",
        base_url="https://sf.example/",
    )
    assert 'src="https://sf.example/media/a.jpg"' in html
    assert 'href="https://sf.example/watch/1/"' in html
    assert "https://sf.example/u/abc/" in html and "https://sf.example/u/abc/" in text


def test_variants_made_in_code_validate(db):
    campaign = Campaign.objects.create(
        key="c",
        name="C",
        category=Category.OFFERS,
        trigger=Campaign.Trigger.CHECKOUT_ABANDONED,
        channels=["email"],
        starts_at=NOW,
    )
    good = Variant(campaign=campaign, name="A", subject="Hi", body="{{ event.amount | money }}")
    bad = Variant(campaign=campaign, name="B", subject="{% if %}", body="x")
    assert templating.variant_errors(good) == {}
    assert set(templating.variant_errors(bad)) == {"subject"}
