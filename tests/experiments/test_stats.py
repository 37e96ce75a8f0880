"""The report's statistics against published values (no database)."""

import pytest

from apps.experiments import stats


def test_wilson_interval_matches_newcombe_1998():
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", 81/263.
    low, high = stats.wilson(81, 263)
    assert low == pytest.approx(0.2553, abs=5e-5)
    assert high == pytest.approx(0.3662, abs=5e-5)


def test_wilson_interval_stays_inside_zero_and_one_at_the_edges():
    low, high = stats.wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=5e-5)
    low, high = stats.wilson(10, 10)
    assert low == pytest.approx(0.7225, abs=5e-5) and high == pytest.approx(1.0)
    assert stats.wilson(0, 0) == (0.0, 0.0)


def test_difference_interval_matches_newcombe_method_10():
    # Newcombe (1998), "Interval estimation for the difference between independent
    # proportions", 56/70 - 48/80: hybrid score interval 0.0524 to 0.3339.
    d, low, high = stats.difference(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=5e-5)
    assert high == pytest.approx(0.3339, abs=5e-5)


@pytest.mark.parametrize(
    ("statistic", "df", "p"),
    [
        (3.841458820694124, 1, 0.05),
        (10.827566170662733, 1, 0.001),
        (5.991464547107979, 2, 0.05),
        (13.815510557964274, 2, 0.001),
        (7.814727903251178, 3, 0.05),
        (9.487729036781154, 4, 0.05),
    ],
)
def test_chi_square_tail_matches_the_tables(statistic, df, p):
    assert stats.chi_square_sf(statistic, df) == pytest.approx(p, rel=1e-6)


def test_sample_ratio_mismatch_is_flagged_below_one_in_a_thousand():
    # 50/50 weights: 10,000 vs 10,500 is chi-square 12.195 (p = 0.00048): a mismatch.
    broken = stats.report(
        [("control", 1), ("treatment", 1)], {"control": (10_000, 0), "treatment": (10_500, 0)}
    )
    assert broken.srm_p == pytest.approx(0.000479, rel=1e-2)
    assert broken.sample_ratio_mismatch
    # 10,000 vs 10,200 is chi-square 1.98 (p = 0.159): chance.
    fine = stats.report(
        [("control", 1), ("treatment", 1)], {"control": (10_000, 0), "treatment": (10_200, 0)}
    )
    assert not fine.sample_ratio_mismatch
    # Unequal weights are what the split is tested against: 9:1 split 9,000 / 1,000 is fine.
    weighted = stats.report(
        [("control", 9), ("holdout", 1)], {"control": (9_000, 0), "holdout": (1_000, 0)}
    )
    assert weighted.srm_p == pytest.approx(1.0) and not weighted.sample_ratio_mismatch


def test_report_compares_each_variant_with_the_first():
    result = stats.report([("control", 1), ("b", 1)], {"control": (80, 48), "b": (70, 56)})
    control, b = result.variants
    assert control.is_control and control.lift is None and control.rate == pytest.approx(0.6)
    assert b.lift == pytest.approx(0.2)
    assert b.lift_low == pytest.approx(0.0524, abs=5e-5)
    assert b.rate_text == "80.0% (69.2% – 87.7%)"
    assert b.lift_text == "+20.0 pp (+5.2 – +33.4 pp)"
