"""The artwork report's charts read right (issue 17): bars labelled by the variant's name,
round percentage ticks at their true heights, winners and losers listed by lift."""

from dataclasses import dataclass

from apps.artwork.charts import rate_bars
from apps.artwork.selectors import Rate, VariantResult, ranked_by_lift


@dataclass
class V:
    pk: int
    label: str
    tone: str = "dark"
    is_active: bool = True


@dataclass
class Group:
    by_variant: dict
    total: Rate


def test_bars_carry_the_variant_name_and_ticks_sit_at_their_values():
    variants = [V(1, "Dark close-up"), V(2, "Bright landscape with the whole cast")]
    group = Group({1: Rate(1000, 12), 2: Rate(1000, 30)}, Rate(2000, 42))
    chart = rate_bars(group, variants)
    assert chart.bars[0].short == "Dark close-up"
    assert chart.bars[1].label.startswith("Bright landscape")
    assert chart.bars[1].short.endswith("…") or chart.bars[1].short == chart.bars[1].label
    labels = [label for _y, label in chart.ticks]
    assert labels[0] == "0%" and labels[-1] in {"4%", "5%"}
    (y0, _), (y1, _), (y2, _) = chart.ticks[:3]
    assert round(y0 - y1, 1) == round(y1 - y2, 1), "evenly spaced: each tick at its value"


def _result(variant_id, takes, impressions=2000, average=0.02):
    return VariantResult(variant_id, 1, "T", f"v{variant_id}", "dark", "scene",
                         Rate(impressions, takes), average)  # fmt: skip


def test_winners_are_listed_by_lift_and_noise_is_left_out():
    steady = _result(1, 80)  # 4 % on 2000: a lift of 2, tight interval
    big = _result(2, 120)  # 6 %: a lift of 3
    noisy = _result(3, 1, impressions=12)  # 8 % on 12: interval reaches below the average
    low = _result(4, 10)  # 0.5 %: a loser
    lower = _result(5, 2)  # 0.1 %: the biggest loser
    winners, losers = ranked_by_lift([steady, big, noisy, low, lower])
    assert [r.variant_id for r in winners] == [2, 1]
    assert [r.variant_id for r in losers] == [5, 4]
