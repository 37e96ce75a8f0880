"""Issue 15, leaving: the cancel page asks why (optional), answers each reason with an
alternative that works in one click, records the reasons, and "Cancel anyway" still cancels."""

import re

import pytest

from apps.subscriptions import leaving_reasons
from apps.subscriptions.models import CancelReason, Postponement, Subscription
from apps.tracking.models import Event
from tests.factories import ProfileFactory, signed_in
from tests.subscriptions.conftest import subscribe

pytestmark = pytest.mark.django_db
CANCEL = "/account/subscription/cancel/"


@pytest.fixture
def viewer(viewer_client, plans, now, spy):
    viewer_client.user = viewer_client.profile.account
    return viewer_client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def give(client, *reasons, other=""):
    return client.post(CANCEL, {"step": "reasons", "reason": list(reasons), "other": other})


def options(client, *reasons, other=""):
    response = give(client, *reasons, other=other)
    assert response.status_code == 302
    return text(client.get(response["Location"]))


def sub_of(viewer):
    return Subscription.objects.select_related("plan", "pending_plan").get(user=viewer.user)


# --- pure rules ----------------------------------------------------------------------------------


def test_each_reason_has_its_fitting_alternatives():
    assert leaving_reasons.alternatives_for(["too_expensive"]) == ["cheaper", "postpone"]
    assert leaving_reasons.alternatives_for(["taking_a_break"]) == ["pause", "postpone"]
    assert leaving_reasons.alternatives_for(["nothing_to_watch"]) == ["miss"]
    assert leaving_reasons.alternatives_for(["technical_problems"]) == ["postpone"]
    assert leaving_reasons.alternatives_for([]) == ["miss"]
    both = leaving_reasons.alternatives_for(["too_expensive", "taking_a_break"])
    assert both == ["cheaper", "postpone", "pause"]  # each alternative once


def test_own_words_mean_other_and_are_bounded():
    assert leaving_reasons.parse([], "  the remote  ").keys == ("other",)
    with pytest.raises(leaving_reasons.BadReasons):
        leaving_reasons.parse(["bored"])
    with pytest.raises(leaving_reasons.BadReasons):
        leaving_reasons.parse(["other"], "x" * 501)
    assert leaving_reasons.parse(["other"], "x" * 500).other == "x" * 500


# --- the pages -----------------------------------------------------------------------------------


def test_reasons_are_recorded_as_events_and_counted(viewer):
    subscribe(viewer.user, "premium")
    options(viewer, "too_expensive", "other", other="My cat hates the intro")
    events = Event.objects.filter(name="cancel_reason_given", profile=viewer.profile)
    assert sorted(e.properties["reason"] for e in events) == ["other", "too_expensive"]
    assert events.get(properties__reason="other").properties["text"] == "My cat hates the intro"
    assert sorted(CancelReason.objects.values_list("reason", flat=True)) == [
        "other",
        "too_expensive",
    ]
    assert sub_of(viewer).status == "active"  # giving reasons cancels nothing


@pytest.mark.parametrize(
    ("reasons", "other", "message"),
    [
        (["bored"], "", "Choose reasons from the list."),
        (["other"], "x" * 501, "Please keep your own words to 500 characters (you wrote 501)."),
    ],
    ids=["unknown-reason", "text-too-long"],
)
def test_bad_input_changes_nothing_with_a_clear_message(viewer, reasons, other, message):
    subscribe(viewer.user)
    response = give(viewer, *reasons, other=other)
    assert response.status_code == 400
    assert message in text(response)
    assert not Event.objects.filter(name="cancel_reason_given").exists()
    assert not CancelReason.objects.exists()
    assert sub_of(viewer).status == "active"


def test_too_expensive_offers_the_cheaper_plan_and_one_click_takes_it(viewer):
    subscribe(viewer.user, "premium")
    page = options(viewer, "too_expensive")
    assert "Switch to Duo" in page  # the closest step down from Premium (€16.99)
    assert "Postpone my next payment" in page
    assert "Cancel anyway" in page and "Keep my plan" in page
    viewer.post("/account/subscription/cancel/alternative/", {"alternative": "cheaper"})
    sub = sub_of(viewer)
    assert sub.status == "active" and sub.plan.code == "premium"
    assert sub.pending_plan.code == "duo"  # from the next payment on
    assert Event.objects.filter(
        name="cancel_alternative_taken", properties__alternative="cheaper"
    ).exists()


def test_the_reasons_given_read_as_a_quoted_list_in_the_sentence(viewer):
    """The boxes' labels are sentences; joined bare they read "You told us: It is too expensive,
    There is nothing I want to watch." (capitals mid-sentence)."""
    subscribe(viewer.user)
    page = options(viewer, "too_expensive", "nothing_to_watch")
    assert "You told us: “It is too expensive”, “There is nothing I want to watch”." in page
    viewer.user.language = "fr"
    viewer.user.save(update_fields=["language"])
    url = "/account/subscription/cancel/options/?reason=too_expensive&reason=nothing_to_watch"
    page = text(viewer.get(url))
    # text() turns the no-break spaces French puts around « » and before : into spaces
    assert "Vous nous avez dit : « C’est trop cher », « Je ne trouve rien à regarder »." in page


def test_own_words_are_quoted_instead_of_something_else_and_stay_out_of_the_url(viewer):
    subscribe(viewer.user)
    response = give(viewer, "too_expensive", "other", other="The app <b>crashes</b> on my TV")
    assert "crashes" not in response["Location"]
    page = text(viewer.get(response["Location"]))
    assert "“It is too expensive”, “The app &lt;b&gt;crashes&lt;/b&gt; on my TV”." in page
    assert "Something else" not in page.split("You told us")[1].split("</p>")[0]


def test_own_words_ending_in_a_full_stop_do_not_end_the_sentence_twice(viewer):
    subscribe(viewer.user)
    response = give(viewer, "other", other="Mostly the price. ")
    page = text(viewer.get(response["Location"]))
    assert "“Mostly the price”." in page and "“Mostly the price.”." not in page


def test_the_cheapest_plan_gets_no_cheaper_offer(viewer):
    subscribe(viewer.user, "basic")
    page = options(viewer, "too_expensive")
    assert "Switch to" not in page
    assert "Postpone my next payment" in page


def test_postponing_from_the_cancel_page_postpones_the_payment(viewer):
    subscribe(viewer.user)
    options(viewer, "technical_problems")
    response = viewer.post("/account/subscription/cancel/alternative/", {"alternative": "postpone"})
    assert response["Location"] == "/account/subscription/schedule/"
    assert Postponement.objects.filter(subscription__user=viewer.user).count() == 1
    assert sub_of(viewer).status == "active"


def test_taking_a_break_pauses_on_free_keeping_everything(viewer, now):
    subscribe(viewer.user)
    now.advance(days=10)
    page = options(viewer, "taking_a_break")
    credit = re.search(r'name="amount" value="(\d+)"', page).group(1)
    viewer.post(
        "/account/subscription/cancel/alternative/", {"alternative": "pause", "amount": credit}
    )
    sub = sub_of(viewer)
    assert sub.plan.code == "free"
    assert sub.credit_balance == int(credit) > 0
    assert viewer.profile.__class__.objects.filter(pk=viewer.profile.pk).exists()


def test_a_stale_pause_amount_changes_nothing(viewer, now):
    subscribe(viewer.user)
    response = viewer.post(
        "/account/subscription/cancel/alternative/",
        {"alternative": "pause", "amount": "1", "next": "/account/subscription/cancel/options/"},
        follow=True,
    )
    assert "The amount changed since you opened this page" in text(response)
    assert sub_of(viewer).plan.code == "standard"


def test_an_unknown_alternative_changes_nothing(viewer):
    subscribe(viewer.user)
    response = viewer.post(
        "/account/subscription/cancel/alternative/", {"alternative": "free-month"}, follow=True
    )
    assert "Choose one of the alternatives offered." in text(response)
    sub = sub_of(viewer)
    assert sub.status == "active" and sub.pending_plan is None


def test_nothing_to_watch_shows_what_youd_miss_through_browse(viewer):
    from tests.factories import TitleFactory

    subscribe(viewer.user)
    page = options(viewer, "nothing_to_watch")
    assert 'hx-get="/what-youd-miss/"' in page and 'href="/what-youd-miss/"' in page
    title = TitleFactory(name="The Long Night", runtime_minutes=100)
    from apps.playback import services as playback

    playback.progress_report(
        profile=viewer.profile,
        title=title,
        episode=None,
        position=30 * 60,
        report_id="report-0001",
        seq=1,
        explicit_seek=False,
    )
    fragment = text(viewer.get("/what-youd-miss/", HTTP_HX_REQUEST="true"))
    assert "The Long Night" in fragment and "30% watched" in fragment
    assert "<html" not in fragment  # just the fragment for htmx
    assert "<html" in text(viewer.get("/what-youd-miss/"))  # the link's full page


def test_what_youd_miss_groups_are_one_level_under_the_heading_above_them(viewer):
    """QA14 #8: the page went from its h1 to h3; in the cancel page the groups sit under an h2."""
    from tests.factories import TitleFactory

    title = TitleFactory(name="The Long Night", runtime_minutes=100)
    from apps.playback import services as playback

    playback.progress_report(
        profile=viewer.profile,
        title=title,
        episode=None,
        position=30 * 60,
        report_id="report-0002",
        seq=1,
        explicit_seek=False,
    )
    page = text(viewer.get("/what-youd-miss/"))
    assert re.search(r'<h2 id="[\w-]+-heading">', page) and "<h3" not in page
    fragment = text(viewer.get("/what-youd-miss/", HTTP_HX_REQUEST="true"))
    assert re.search(r'<h3 id="[\w-]+-heading">', fragment) and "<h2" not in fragment


def test_cancel_anyway_still_cancels_and_confirms(viewer):
    subscribe(viewer.user)
    options(viewer, "nothing_to_watch")
    response = viewer.post(CANCEL, follow=True)
    assert sub_of(viewer).status == "cancel_scheduled"
    page = text(response)
    assert "Your plan is cancelled" in page and "Undo: keep my plan" in page


def test_the_options_and_confirmation_pages_are_only_for_a_running_plan(viewer):
    assert viewer.get("/account/subscription/cancel/options/")["Location"] == (
        "/account/subscription/"
    )
    assert viewer.get("/account/subscription/cancel/done/")["Location"] == (
        "/account/subscription/"
    )


def test_query_counts_of_the_new_pages_do_not_grow_with_history(
    viewer, django_assert_max_num_queries
):
    """Guards against a query per plan or per reason on the options page, and per title on
    "What you'd miss"."""
    from tests.factories import TitleFactory

    subscribe(viewer.user, "premium")
    for _ in range(6):
        viewer.profile.events.create(
            name="play_started",
            properties={"title_id": TitleFactory().pk},
            occurred_at=viewer.user.date_joined,
        )
    url = "/account/subscription/cancel/options/?reason=too_expensive&reason=taking_a_break"
    viewer.get(url)
    viewer.get("/what-youd-miss/")  # the first visit of a device records it
    with django_assert_max_num_queries(12):
        viewer.get(url)
    with django_assert_max_num_queries(12):
        viewer.get("/what-youd-miss/")
    viewer.post(CANCEL)
    with django_assert_max_num_queries(6):
        viewer.get("/account/subscription/cancel/done/")


def test_the_admin_chart_counts_each_reason_given(viewer, admin_client, now):
    subscribe(viewer.user)
    other = ProfileFactory()
    subscribe(other.account)
    give(signed_in(other), "too_expensive", "taking_a_break")
    give(viewer, "too_expensive", "taking_a_break")
    give(viewer, "too_expensive")  # Back and answered again: that answer replaces the first
    html = text(admin_client.get("/admin/subscriptions/cancelreason/"))
    assert "3 reasons given." in html
    assert "<title>It is too expensive: 2</title>" in html
    assert "<title>I am taking a break: 1</title>" in html
    assert "<title>Technical problems: 0</title>" in html  # every reason has its bar
    now.advance(days=40)
    later = text(admin_client.get("/admin/subscriptions/cancelreason/?days=30"))
    assert "0 reasons given." in later


def test_the_chart_axis_is_round_and_bars_are_proportional():
    chart = leaving_reasons.bar_chart([("a", "A", 3), ("b", "B", 7), ("c", "C", 0)])
    assert [v for _x, v in chart.ticks][-1] >= 7
    a, b, c = chart.bars
    assert c.width == 0 and b.width > a.width > 0
    assert abs(a.width / b.width - 3 / 7) < 1e-9


# --- the farewell row ----------------------------------------------------------------------------


def _farewell_page(viewer, language):
    from apps.demo.farewell import farewell_collections_seed

    farewell_collections_seed(log=lambda message: None)
    subscribe(viewer.user)
    viewer.post(CANCEL)
    return text(viewer.get("/account/subscription/cancel/done/", HTTP_ACCEPT_LANGUAGE=language))


def _names_in_order(page, names):
    positions = [page.index(f">{name}</span>") for name in names]
    return positions == sorted(positions)


def test_the_farewell_row_reads_as_a_sentence_in_english(viewer):
    page = _farewell_page(viewer, "en")
    assert "A few titles to say goodbye" in page
    assert _names_in_order(
        page, ["Thank You", "For All the Nights", "We Stayed Up", "Come Back Soon"]
    )
    assert "Merci" not in page


def test_the_farewell_row_is_in_the_viewers_language(viewer):
    viewer.user.language = "fr"
    viewer.user.save(update_fields=["language"])
    page = _farewell_page(viewer, "fr")
    assert "Quelques titres pour se dire au revoir" in page
    assert _names_in_order(
        page, ["Merci", "Pour Toutes Ces Nuits", "Passées Ensemble", "Reviens Vite"]
    )
    assert "Thank You" not in page


def test_the_farewell_message_titles_are_not_films_anyone_can_find(viewer):
    """They showed without a poster in "New this week", search and the Drama row; now only the
    farewell row shows them, as names, not links to a page with nothing to play."""
    from apps.catalogue.models import Collection, CollectionItem, Title
    from tests.factories import TitleFactory

    html = _farewell_page(viewer, "en")
    assert "Come Back Soon" in html
    raw = viewer.get("/account/subscription/cancel/done/").content.decode()
    assert 'href="/title/come-back-soon' not in raw
    farewell = Title.objects.filter(external_id__startswith="demo:farewell:")
    assert farewell.count() == 8 and not Title.objects.available().filter(pk__in=farewell)
    for path in ("/new/", "/search/?q=come+back+soon", "/search/?q=merci"):
        assert "Come Back Soon" not in text(viewer.get(path)), path
        assert "Merci" not in text(viewer.get(path)), path
    # A real title an admin puts in the sentence still links to its page.
    real = TitleFactory(name="Stay a While", slug="stay-a-while")
    CollectionItem.objects.create(
        collection=Collection.objects.get(language="en"), title=real, position=5
    )
    raw = viewer.get("/account/subscription/cancel/done/").content.decode()
    assert f'href="{real.get_absolute_url()}"' in raw


def test_without_a_collection_the_confirmation_has_no_farewell_row(viewer):
    subscribe(viewer.user)
    viewer.post(CANCEL)
    page = text(viewer.get("/account/subscription/cancel/done/"))
    assert "Your plan is cancelled" in page and "say goodbye" not in page


def test_the_farewell_seed_is_idempotent(db):
    from apps.catalogue.models import Collection, CollectionItem
    from apps.demo.farewell import farewell_collections_seed

    farewell_collections_seed(log=lambda message: None)
    farewell_collections_seed(log=lambda message: None)
    assert Collection.objects.count() == 2
    assert CollectionItem.objects.count() == 8


def test_what_youd_miss_never_shows_another_profiles_titles(viewer):
    from apps.playback import services as playback
    from tests.factories import ProfileFactory, TitleFactory

    stranger = ProfileFactory(name="Stranger")
    title = TitleFactory(name="Not Yours", runtime_minutes=100)
    playback.progress_report(
        profile=stranger,
        title=title,
        episode=None,
        position=30 * 60,
        report_id="report-0002",
        seq=1,
        explicit_seek=False,
    )
    assert "Not Yours" not in text(viewer.get("/what-youd-miss/"))


def test_what_youd_miss_shows_this_weeks_mix_when_there_is_one(viewer):
    """The issue's "what you'd miss": titles in progress and the weekly mix. With this week's
    mix built, the second group is the mix in its order, not today's best picks."""
    from apps.recommendations import mix
    from tests.factories import TitleFactory, weekly_mix_for

    subscribe(viewer.user)
    first, second = TitleFactory(name="Mix Pick One"), TitleFactory(name="Mix Pick Two")
    fragment = text(viewer.get("/what-youd-miss/", HTTP_HX_REQUEST="true"))
    assert "From your weekly mix" not in fragment

    weekly_mix_for(viewer.profile, [first, second], reason=mix.Reason.EXPLORE)
    fragment = text(viewer.get("/what-youd-miss/", HTTP_HX_REQUEST="true"))
    assert "From your weekly mix" in fragment
    assert fragment.index("Mix Pick One") < fragment.index("Mix Pick Two")

    # "Don't use my viewing history" (Your data): the mix was built from it, so the cancel page
    # no longer offers it, as the homepage and /mix/ do not.
    from apps.tracking.services.your_data import data_use_set

    data_use_set(profile=viewer.profile, signal="viewing_history", in_use=False)
    fragment = text(viewer.get("/what-youd-miss/", HTTP_HX_REQUEST="true"))
    assert "From your weekly mix" not in fragment and "Mix Pick One" not in fragment


def test_what_youd_miss_leaves_out_mix_titles_set_aside_since_monday(
    viewer, django_capture_on_commit_callbacks
):
    """The weekly mix is frozen on Monday; a title the viewer marked "Not for me" since is
    nothing they would miss (as on /mix/ and the homepage row)."""
    from apps.recommendations import mix
    from tests.factories import TitleFactory, weekly_mix_for

    subscribe(viewer.user)
    first, second = TitleFactory(name="Mix Pick One"), TitleFactory(name="Mix Pick Two")
    weekly_mix_for(viewer.profile, [first, second], reason=mix.Reason.EXPLORE)
    with django_capture_on_commit_callbacks(execute=True):  # the candidates' refresh
        viewer.post(f"/ratings/{first.pk}/", {"value": "not_for_me"})
    fragment = text(viewer.get("/what-youd-miss/", HTTP_HX_REQUEST="true"))
    assert "From your weekly mix" in fragment
    assert "Mix Pick Two" in fragment and "Mix Pick One" not in fragment


# --- counted once (QA9) --------------------------------------------------------------------------


def test_the_same_answer_sent_three_times_counts_once(viewer):
    subscribe(viewer.user, "premium")
    for _ in range(3):
        assert give(viewer, "too_expensive").status_code == 302
    assert list(CancelReason.objects.values_list("reason", flat=True)) == ["too_expensive"]
    events = Event.objects.filter(name="cancel_reason_given", profile=viewer.profile)
    assert events.count() == 1


def test_going_back_and_answering_again_replaces_the_answer(viewer):
    subscribe(viewer.user, "premium")
    give(viewer, "too_expensive", "technical_problems")
    give(viewer, "too_expensive", "taking_a_break")  # Back, one box changed
    assert sorted(CancelReason.objects.values_list("reason", flat=True)) == [
        "taking_a_break",
        "too_expensive",
    ]
    events = Event.objects.filter(name="cancel_reason_given", profile=viewer.profile)
    assert sorted(e.properties["reason"] for e in events) == [
        "taking_a_break",
        "technical_problems",
        "too_expensive",
    ]  # what they said is history; the chart counts the answer they left


def test_two_viewers_giving_the_same_reason_count_twice(viewer):
    subscribe(viewer.user, "premium")
    other = ProfileFactory()
    subscribe(other.account, "premium")
    give(viewer, "too_expensive")
    give(signed_in(other), "too_expensive")
    assert CancelReason.objects.filter(reason="too_expensive").count() == 2
