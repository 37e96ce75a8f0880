"""One source for what a viewer reads about plan limits (issue 11): the player, the profile pages
and the plan pages name qualities and limits with the same words."""

import pytest

from apps.accounts.entitlements import (
    Limits,
    profile_limit_message,
    quality_label,
    streams_limit_message,
)
from apps.subscriptions.models import Quality


@pytest.mark.parametrize(("code", "label"), Quality.choices)
def test_the_player_names_each_quality_as_the_plans_page_does(code, label):
    assert quality_label(code) == str(label)


def test_an_unknown_quality_code_is_shown_as_itself():
    assert quality_label("8k") == "8K"


def test_limit_messages_name_the_plan_and_count_screens_and_profiles():
    basic = Limits(max_profiles=1, max_streams=1, max_quality="hd", plan_name="Basic")
    premium = Limits(max_profiles=5, max_streams=4, max_quality="uhd", plan_name="Premium")
    unnamed = Limits(max_profiles=5, max_streams=4, max_quality="uhd", plan_name="")
    assert streams_limit_message(basic) == "Your Basic plan allows 1 screen at a time."
    assert streams_limit_message(premium) == "Your Premium plan allows 4 screens at a time."
    assert streams_limit_message(unnamed) == "Your account allows 4 screens at a time."
    assert profile_limit_message(basic) == "Your Basic plan allows 1 profile."
    assert profile_limit_message(unnamed) == "An account can have at most 5 profiles."
