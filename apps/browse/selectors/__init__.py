"""Reads for the viewer's pages, split by page: the homepage's rows (`home`), cards on the
other grids, My list and the cancel page's "What you'd miss" (`cards`), New & Popular
(`new_popular`) and the weekly mix's own page (`weekly_mix`). Callers import from here."""

from apps.browse.selectors.cards import (
    entry_cards,
    genre_cards,
    genre_page,
    grid_cards,
    my_list_counts,
    my_list_entries,
    search_cards,
    search_order,
    what_youd_miss,
)
from apps.browse.selectors.home import (
    BATCH,
    HomePage,
    Row,
    home_page,
    local_now,
    personalize_title,
    plan_for,
    row_reasons,
)
from apps.browse.selectors.new_popular import (
    ComingEpisode,
    coming_soon,
    new_this_week,
    soonest_per_title,
    still_to_come,
    top_today,
)
from apps.browse.selectors.weekly_mix import mix_page

__all__ = [
    "BATCH",
    "ComingEpisode",
    "HomePage",
    "Row",
    "coming_soon",
    "entry_cards",
    "genre_cards",
    "genre_page",
    "grid_cards",
    "home_page",
    "local_now",
    "mix_page",
    "my_list_counts",
    "my_list_entries",
    "new_this_week",
    "personalize_title",
    "plan_for",
    "row_reasons",
    "search_cards",
    "search_order",
    "soonest_per_title",
    "still_to_come",
    "top_today",
    "what_youd_miss",
]
