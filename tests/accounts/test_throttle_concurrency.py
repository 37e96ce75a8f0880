"""Parallel sign-in attempts: the throttle's count is atomic."""

import threading

import pytest
from django.contrib.auth import backends
from django.test import Client

from tests.factories import ProfileFactory

PASSWORD = "correct horse battery"


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_get_exactly_the_limit_of_checks(settings, monkeypatch):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    target = ProfileFactory().account
    bystander = ProfileFactory().account
    checked: list[str] = []
    guard = threading.Lock()
    barrier = threading.Barrier(40)
    real_check = backends.ModelBackend.authenticate

    def slow_check(self, request, username=None, password=None, **kwargs):
        with guard:
            checked.append(username)
        threading.Event().wait(0.05)  # a real hasher takes this long: the race window
        return real_check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(backends.ModelBackend, "authenticate", slow_check)
    statuses: list[int] = []

    def guess():
        barrier.wait()
        response = Client().post("/accounts/login/", {"username": target.email, "password": "x"})
        with guard:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(statuses) == 40 and set(statuses) == {200}
    assert checked.count(target.email) == 5
    # Someone else on the same address signs in with the right password.
    response = Client().post(
        "/accounts/login/", {"username": bystander.email, "password": PASSWORD}
    )
    assert response.status_code == 302
