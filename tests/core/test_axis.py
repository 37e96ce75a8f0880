"""Chart axes read right (issue 17): round ticks (1, 2 or 5 x 10^k apart) labelled with their
true values, never a rounded value they are not."""

import pytest

from apps.core.axis import nice_axis, percent_label


@pytest.mark.parametrize(
    ("largest", "labels"),
    [
        (0.013, ["0%", "0.5%", "1.0%", "1.5%"]),
        (0.002, ["0%", "0.05%", "0.10%", "0.15%", "0.20%"]),
        (0.37, ["0%", "10%", "20%", "30%", "40%"]),
        (0.0449, ["0%", "1%", "2%", "3%", "4%", "5%"]),
    ],
)
def test_rate_ticks_are_round_and_exact(largest, labels):
    axis = nice_axis(largest)
    assert [percent_label(v, axis) for v in axis.values] == labels
    assert axis.top >= largest


def test_every_tick_label_is_its_true_value():
    for thousandths in range(1, 1000, 7):
        largest = thousandths / 1000
        axis = nice_axis(largest)
        for value in axis.values:
            label = percent_label(value, axis)
            assert abs(float(label.rstrip("%")) / 100 - value) < 1e-9, (largest, label)


def test_counts_step_in_whole_numbers():
    assert nice_axis(10, integer=True).values == (0, 2, 4, 6, 8, 10)
    assert nice_axis(3, integer=True).values == (0, 1, 2, 3)
    assert nice_axis(47, integer=True).values == (0, 10, 20, 30, 40, 50)


def test_percentages_are_written_the_way_the_readers_language_writes_them():
    """An admin reading French sees "15,7 %" (a comma, a non-breaking space), not "15.7%"."""
    from django.utils import translation

    from apps.core.numbers import percent, percent_range

    assert percent(0.157) == "15.7%" and percent(0.0449, 0) == "4%"
    with translation.override("fr"):
        assert percent(0.157) == "15,7\u00a0%"
        assert percent_range(0.142, 0.402) == "14,2\u00a0% – 40,2\u00a0%"
        assert percent_label(0.005, nice_axis(0.013)) == "0,5\u00a0%"


def test_differences_in_points_are_signed_and_written_the_readers_way():
    """The campaign and experiment reports wrote "+55.6 pp" to a French admin."""
    from django.utils import translation

    from apps.core.numbers import points, points_range

    assert points(0.556) == "+55.6 pp" and points(-0.02) == "-2.0 pp"
    assert points(-0.0001) == "+0.0 pp"  # not "-0.0"
    assert points_range(-0.02, 0.217) == "-2.0 – +21.7 pp"
    with translation.override("fr"):
        assert points(0.556) == "+55,6\u00a0pts"
        assert points_range(-0.02, 0.217) == "-2,0 – +21,7\u00a0pts"


def test_counts_are_grouped_the_way_the_language_groups_them():
    """QA6: admin reports wrote "114191"; English groups with a comma, French with a space."""
    from django.utils import translation

    from apps.core.numbers import grouped

    assert grouped(114191) == "114,191" and grouped(950) == "950" and grouped("—") == "—"
    with translation.override("fr"):
        assert grouped(114191) == "114\u00a0191"
