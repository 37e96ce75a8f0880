"""The cards in English and French, the humorous lines' wording included."""

from django.utils import translation

from apps.recap import cards


def test_humour_lines_in_english():
    with translation.override("en"):
        line = cards.humour_line({"code": "starts", "starts": 40, "finishes": 12})
    assert line.startswith("You pressed play 40 times and reached the end credits 12 times.")


def test_a_humour_line_opening_with_midnight_starts_with_a_capital():
    """QA6: Kai's year read "midnight is your favourite time to press play."."""
    with translation.override("en"):
        line = cards.humour_line({"code": "late", "hour": 0})
    assert line.startswith("Midnight is your favourite time to press play.")


def test_humour_lines_in_french():
    with translation.override("fr"):
        starts = cards.humour_line({"code": "starts", "starts": 40, "finishes": 12})
        night = cards.humour_line({"code": "night", "count": 4})
        late = cards.humour_line({"code": "late", "hour": 23})
    assert starts.startswith("Vous avez lancé 40 lectures")
    assert "12" in starts
    assert night.startswith("4 visionnages lancés entre 2 h et 5 h")
    assert late.startswith("23 h, c’est votre heure préférée")


def test_every_humour_line_is_translated():
    samples = [
        {"code": "starts", "starts": 40, "finishes": 12},
        {"code": "night", "count": 1},
        {"code": "night", "count": 4},
        {"code": "binge", "episodes": 6, "title": "Beta"},
        {"code": "rewatch", "title": "Alpha", "times": 3},
        {"code": "late", "hour": 23},
        {"code": "early", "hour": 7},
        {"code": "finisher", "finishes": 30},
    ]
    for sample in samples:
        with translation.override("en"):
            english = cards.humour_line(sample)
        with translation.override("fr"):
            french = cards.humour_line(sample)
        assert english and french and english != french, sample


def test_public_cards_carry_no_name():
    data = {"year": 2026, "minutes": 0, "top_titles": [], "kind": True}
    with translation.override("en"):
        own = cards.build(data, name="Morgan")
        public = cards.build(data)
    assert "Morgan" in own[0].caption
    assert all("Morgan" not in c.heading + c.caption for c in public)


def test_french_binge_lines_never_write_de_before_a_title():
    """QA5: "13 épisodes de Accidental Neighbour d’une traite" (d’Accidental)."""
    with translation.override("fr"):
        line = cards.humour_line({"code": "binge", "episodes": 13, "title": "Accidental Neighbour"})
    assert line.startswith("Accidental Neighbour\xa0: 13 épisodes d’une traite.")
    assert "de Accidental" not in line


def test_a_trait_in_between_says_which_trait_it_is():
    """QA6: Sam's card had two lines starting "In between ·" and no word of which habit."""
    from apps.tracking import traits

    between = traits.Trait(
        traits.HOURS, traits.BETWEEN, 0.5, {"night_share": 0.19, "morning_share": 0.0}
    )
    owl = traits.Trait(traits.HOURS, "night_owl", 0.9, {"night_share": 0.9, "morning_share": 0.0})
    with translation.override("en"):
        card = cards.traits_card([between, owl])
    assert card.lines[0].startswith("Night owl or early bird: In between · ")
    assert card.lines[1].startswith("Night owl · ")
    with translation.override("fr"):
        french = cards.traits_card([between, owl])
    # French writes the word after a colon in lower case; a line still starts with a capital.
    assert french.lines[0].startswith("Couche-tard ou lève-tôt\xa0: entre les deux · ")
    assert french.lines[1].startswith("Couche-tard · ")


def test_a_favourite_hour_of_midnight_reads_as_a_word_in_both_languages():
    """QA: the habits card and its line said "00:00" in French."""
    data = {"hour": 0, "weekday": 4}
    with translation.override("fr"):
        line = cards.humour_line({"code": "late", "hour": 0})
        habits = _habits_card(data)
    assert line.startswith("Minuit, c’est votre heure préférée")
    assert habits.big == "Minuit" and "00:00" not in habits.big
    with translation.override("en"):
        assert _habits_card(data).big == "Midnight"
        assert _habits_card({"hour": 21, "weekday": 4}).big == "9 p.m."


def _habits_card(data):
    year = {"year": 2026, "minutes": 60, "top_titles": [], "titles": 1, "episodes": 0}
    built = cards.build({**year, **data})
    return next(card for card in built if card.key == "habits")


def test_in_french_the_taste_change_names_genres_in_lower_case_mid_sentence():
    """ "De janvier à juin : surtout Comédie." put a capital mid-sentence."""
    year = {"year": 2026, "minutes": 60, "top_titles": [], "titles": 1, "episodes": 0}
    change = {"first_top": "Comedy", "second_top": "Sci-Fi", "riser": "Romance", "points": 22}
    with translation.override("fr"):
        built = cards.build({**year, "taste_change": change})
    card = next(card for card in built if card.key == "change")
    assert card.lines[0] == "De janvier à juin\xa0: surtout comédie."
    assert card.lines[1] == "De juillet à décembre\xa0: surtout science-fiction."
    # A sentence still starts with a capital; no bare "Romance a gagné" (French wants "La
    # romance"), so the rise is worded without an article (QA9).
    assert card.lines[2] == "Romance\xa0: 22 points de plus."


def test_the_kind_card_calls_a_year_quiet_only_when_little_was_watched():
    """QA: a Kids recap read "Minutes watched 1,671 (about 27 hours)" then "A quiet year, and
    that is perfectly fine". Kids profiles get the kind version whatever they watched."""
    busy_kid = {"year": 2026, "minutes": 1671, "viewings": 40, "top_titles": [], "kind": True}
    quiet = {"year": 2026, "minutes": 45, "viewings": 2, "top_titles": [], "kind": True}
    for language, quiet_word in (("en", "quiet"), ("fr", "tranquille")):
        with translation.override(language):
            busy_card = cards.build(busy_kid)[-1]
            quiet_card = cards.build(quiet)[-1]
        assert busy_card.key == quiet_card.key == "kind"
        assert quiet_word not in busy_card.caption, language
        assert quiet_word in quiet_card.caption, language
