"""Assignment is a pure function of (experiment, subject): property tests (no database)."""

import uuid
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from apps.experiments import assignment

variants = st.lists(
    st.tuples(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.integers(1, 20)),
    min_size=1,
    max_size=5,
    unique_by=lambda v: v[0],
)
subjects = st.one_of(
    st.integers(1, 10**9).map(lambda n: f"p:{n}"), st.uuids().map(lambda u: f"v:{u}")
)


@given(
    key=st.from_regex(r"[a-z-]{1,20}", fullmatch=True),
    subject=subjects,
    arms=variants,
    traffic=st.floats(0, 100),
)
def test_the_same_subject_always_gets_the_same_answer(key, subject, arms, traffic):
    first = assignment.assign(key=key, subject=subject, traffic_percent=traffic, variants=arms)
    again = assignment.assign(key=key, subject=subject, traffic_percent=traffic, variants=arms)
    assert first == again
    assert first is None or first in {k for k, _ in arms}


@given(subject=subjects, arms=variants, low=st.floats(0, 100), high=st.floats(0, 100))
def test_raising_the_traffic_share_keeps_everyone_on_their_variant(subject, arms, low, high):
    low, high = sorted((low, high))
    before = assignment.assign(key="x", subject=subject, traffic_percent=low, variants=arms)
    after = assignment.assign(key="x", subject=subject, traffic_percent=high, variants=arms)
    assert before is None or before == after


def test_traffic_share_and_weights_split_subjects_as_configured():
    subjects_ = [f"p:{n}" for n in range(20_000)]
    got = Counter(
        assignment.assign(
            key="holdout", subject=s, traffic_percent=25, variants=[("control", 3), ("hold", 1)]
        )
        for s in subjects_
    )
    assert abs(got[None] / 20_000 - 0.75) < 0.015
    assert abs(got["hold"] / (got["hold"] + got["control"]) - 0.25) < 0.02
    assert assignment.assign(key="k", subject="p:1", traffic_percent=0, variants=[("a", 1)]) is None


def test_the_subject_is_the_profile_when_signed_in_else_the_visitor():
    visitor = str(uuid.uuid4())
    assert assignment.subject_of(profile_id=7, visitor_id=visitor) == "p:7"
    assert assignment.subject_of(profile_id=None, visitor_id=visitor) == f"v:{visitor}"
    assert assignment.subject_of(profile_id=None, visitor_id="") is None
    assert assignment.subject_of(profile_id=None, visitor_id="anonymous") is None
