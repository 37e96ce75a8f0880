"""The event catalogue the endpoint validates against (pure: no database)."""

from apps.tracking.catalogue import CLIENT_EVENTS, STRING_MAX, describe, event_problem


def test_a_well_formed_event_of_each_name_fits():
    samples = {str: "x", int: 3, bool: True, float: 1.5}
    for name, spec in CLIENT_EVENTS.items():
        props = {k: samples[getattr(t, "type", t)] for k, t in spec.items()}
        assert event_problem(name, props) is None, name


def test_optional_properties_may_be_left_out_or_null():
    assert event_problem("page_view", {"path": "/"}) is None
    assert event_problem("page_view", {"path": "/", "referrer": None}) is None


def test_each_problem_is_named():
    assert event_problem("payment_made", {}) == "unknown event name 'payment_made'"
    assert event_problem("page_view", {}) == "page_view: property 'path' is required"
    assert event_problem("card_seen", {"title_id": "7", "path": "/"}) == (
        "card_seen: property 'title_id' must be whole number"
    )
    assert "unknown property 'cost'" in event_problem("page_view", {"path": "/", "cost": 1})
    assert "must be an object" in event_problem("page_view", ["/"])


def test_booleans_are_not_numbers_and_numbers_are_not_booleans():
    assert event_problem("card_seen", {"title_id": True, "path": "/"})
    assert event_problem("player_fullscreen", {"title_id": 1, "on": 1})
    assert event_problem("preview_stop", {"title_id": 1, "seconds": 2}) is None  # JSON 2 == 2.0


def test_strings_are_capped():
    assert event_problem("search", {"query": "a" * STRING_MAX}) is None
    assert "at most" in event_problem("search", {"query": "a" * (STRING_MAX + 1)})


def test_the_docs_list_every_event_with_its_types():
    rows = dict(describe())
    assert set(rows) == set(CLIENT_EVENTS)
    assert ("title_id", "whole number", True) in rows["card_seen"]
    assert ("row", "text", False) in rows["card_seen"]
