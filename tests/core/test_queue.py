"""delay_on_commit(once=True): one send per task and arguments per transaction."""

import pytest
from django.db import transaction

from apps.core.queue import delay_on_commit


class FakeTask:
    name = "fake"

    def __init__(self):
        self.sent: list[tuple] = []

    def delay(self, *args):
        self.sent.append(args)


@pytest.mark.django_db
def test_once_sends_once_per_arguments_after_commit(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for profile_id in (1, 1, 2, 1):
            delay_on_commit(task, profile_id, once=True)
        assert task.sent == []
    assert task.sent == [(1,), (2,)]


@pytest.mark.django_db
def test_without_once_every_call_sends(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        delay_on_commit(task, 1)
        delay_on_commit(task, 1)
    assert task.sent == [(1,), (1,)]


@pytest.mark.django_db
def test_a_rolled_back_send_does_not_swallow_a_later_one(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            delay_on_commit(task, 1, once=True)
            raise RuntimeError
        delay_on_commit(task, 1, once=True)
    assert task.sent == [(1,)]


@pytest.mark.django_db
def test_a_send_that_already_ran_does_not_swallow_the_next_transactions(
    django_capture_on_commit_callbacks,
):
    task = FakeTask()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            delay_on_commit(task, 1, once=True)
    assert task.sent == [(1,), (1,)]
