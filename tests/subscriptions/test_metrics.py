"""Admin series and the retention helper (pure)."""

from datetime import UTC, date, datetime

from apps.subscriptions import metrics


def at(day, hour=12):
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_daily_series_counts_paid_subscriptions_and_mrr_at_the_end_of_each_day():
    changes = [
        (1, at(1), "active", 1349),
        (2, at(2), "active", 1665),  # a yearly plan counts 1/12
        (1, at(3), "cancel_scheduled", 1349),
        (1, at(4), "cancelled", 0),
        (2, at(4, 23), "past_due", 1665),
        (3, at(5), "free", 0),
    ]
    points = metrics.daily_series(changes, start=date(2026, 2, 28), end=date(2026, 3, 5))
    assert [(p.active, p.mrr) for p in points] == [
        (0, 0),
        (1, 1349),
        (2, 3014),
        (2, 3014),
        (1, 1665),
        (1, 1665),
    ]


def test_titles_in_progress_from_newest_events():
    events = [  # newest first
        ("play_started", {"title_id": 1}),
        ("play_completed", {"title_id": 2}),  # a film finished
        ("play_completed", {"title_id": 3, "episode_id": 30}),  # an episode, series goes on
        ("play_completed", {"title_id": 4, "episode_id": 40, "series_finished": True}),
        ("play_started", {"title_id": 2}),  # older than its completion
        ("play_started", {"title_id": 5}),
        ("play_started", {"title_id": "bad"}),
    ]
    assert metrics.in_progress_title_ids(events, limit=3) == [1, 3, 5]


def test_line_chart_scales_into_its_box():
    chart = metrics.line_chart([0, 5, 10], width=100, height=50, pad=0)
    assert chart.top == 10
    assert chart.points == "0.0,50.0 50.0,25.0 100.0,0.0"
    assert chart.gridlines[0] == (50.0, 0) and chart.gridlines[-1] == (0.0, 10)


def test_count_gridlines_are_round_whole_steps_at_their_true_height():
    chart = metrics.line_chart([0, 3, 7], width=100, height=80, pad=0)
    assert chart.top == 8
    assert [v for _y, v in chart.gridlines] == [0, 2, 4, 6, 8]
    assert [y for y, _v in chart.gridlines] == [80.0, 60.0, 40.0, 20.0, 0.0]


def test_the_x_axis_names_the_months_or_mondays_between_its_ends():
    """QA12: the chart named only its first and last day, so nobody could read when a step in
    the line happened."""
    from datetime import date

    quarter = metrics.date_ticks(date(2026, 9, 20), date(2026, 12, 18), width=728, pad=8)
    assert [day for _x, day in quarter] == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert quarter[0][0] == 8 + 712 * 11 / 89  # where 1 October falls on the line
    # 1 October four days after the start would sit on the start's own label: left out.
    crowded = metrics.date_ticks(date(2026, 9, 27), date(2026, 12, 25), width=728, pad=8)
    assert [day for _x, day in crowded] == [date(2026, 11, 1), date(2026, 12, 1)]
    month = metrics.date_ticks(date(2026, 11, 27), date(2026, 12, 26), width=728, pad=8)
    assert [day.weekday() for _x, day in month] == [0, 0, 0, 0]  # 30 Nov to 21 Dec
    assert all(64 <= x <= 728 - 64 for x, _day in month)  # clear of the end labels
