"""Every named URL keeps its address: links in sent e-mails, bookmarks and the /demo/ guide
point at these paths, so moving a prefix (issue 11 mounts them in config/urls.py) must not move
a page. New URLs may be added freely; an existing one changes only on purpose, here."""

import pytest
from django.urls import resolve, reverse

ADDRESSES = [
    ("accounts:account", {}, "/account/"),
    ("accounts:login", {}, "/accounts/login/"),
    ("accounts:logout", {}, "/accounts/logout/"),
    ("accounts:password_change", {}, "/accounts/password-change/"),
    ("accounts:password_reset", {}, "/accounts/password-reset/"),
    ("accounts:password_reset_complete", {}, "/accounts/reset/done/"),
    (
        "accounts:password_reset_confirm",
        {"uidb64": "MQ", "token": "set-password"},
        "/accounts/reset/MQ/set-password/",
    ),
    ("accounts:password_reset_done", {}, "/accounts/password-reset/sent/"),
    ("accounts:profile_create", {}, "/profiles/new/"),
    ("accounts:profile_edit", {"profile_id": 7}, "/profiles/7/edit/"),
    ("accounts:profile_select", {"profile_id": 7}, "/profiles/7/select/"),
    ("accounts:profiles", {}, "/profiles/"),
    ("accounts:signup", {}, "/accounts/signup/"),
    ("artwork:seen", {}, "/artwork/seen/"),
    ("browse:genre", {"slug": "a-slug"}, "/genre/a-slug/"),
    ("browse:my_list_toggle", {"title_id": 7}, "/my-list/7/"),
    ("browse:search", {}, "/search/"),
    ("browse:title", {"slug": "a-slug"}, "/title/a-slug/"),
    ("demo:clock_advance", {}, "/demo/clock/advance/"),
    ("demo:clock_reset", {}, "/demo/clock/reset/"),
    ("demo:clock_set", {}, "/demo/clock/set/"),
    ("demo:guide", {}, "/demo/"),
    ("demo:jobs_run", {}, "/demo/jobs/run/"),
    ("demo:login", {"key": "a-slug"}, "/demo/login/a-slug/"),
    ("demo:outbox", {}, "/demo/outbox/"),
    ("demo:outbox_message", {"pk": 7}, "/demo/outbox/7/"),
    ("demo:outbox_message_html", {"pk": 7}, "/demo/outbox/7/html/"),
    ("demo:restore", {}, "/demo/restore/"),
    ("demo:run_progress", {"pk": 7}, "/demo/runs/7/"),
    ("healthz", {}, "/healthz"),
    ("home", {}, "/"),
    ("onboarding:devices", {}, "/onboarding/devices/"),
    ("onboarding:pick", {}, "/onboarding/pick/"),
    ("onboarding:picks", {}, "/onboarding/"),
    ("onboarding:skip", {}, "/onboarding/skip/"),
    ("playback:continue_remove", {"title_id": 7}, "/watch/continue/7/remove/"),
    ("playback:preferences", {}, "/watch/preferences/"),
    ("playback:progress_episode", {"episode_id": 7}, "/watch/episode/7/progress/"),
    ("playback:progress_title", {"title_id": 7}, "/watch/title/7/progress/"),
    ("playback:watch_episode", {"episode_id": 7}, "/watch/episode/7/"),
    ("playback:watch_title", {"title_id": 7}, "/watch/title/7/"),
    ("ratings:list", {}, "/ratings/"),
    ("ratings:set", {"title_id": 7}, "/ratings/7/"),
    ("set_language", {}, "/i18n/setlang/"),
    ("subscriptions:cancel", {}, "/account/subscription/cancel/"),
    ("subscriptions:challenge", {"payment_id": 7}, "/account/subscription/payments/7/confirm/"),
    ("subscriptions:change", {"plan_code": "a-slug"}, "/account/subscription/change/a-slug/"),
    ("subscriptions:checkout", {"plan_code": "a-slug"}, "/account/subscription/checkout/a-slug/"),
    ("subscriptions:free", {}, "/account/subscription/free/"),
    (
        "subscriptions:invitation_revoke",
        {"invitation_id": 7},
        "/account/subscription/invitations/7/revoke/",
    ),
    ("subscriptions:invoice", {"number": "abc"}, "/account/subscription/invoices/abc/"),
    (
        "subscriptions:invoice_download",
        {"number": "abc"},
        "/account/subscription/invoices/abc/download/",
    ),
    ("subscriptions:invoices", {}, "/account/subscription/invoices/"),
    ("subscriptions:join", {"token": "abc"}, "/account/subscription/join/abc/"),
    ("subscriptions:leave", {}, "/account/subscription/leave/"),
    (
        "subscriptions:member_remove",
        {"membership_id": 7},
        "/account/subscription/members/7/remove/",
    ),
    ("subscriptions:members", {}, "/account/subscription/members/"),
    ("subscriptions:overview", {}, "/account/subscription/"),
    ("subscriptions:pay_now", {}, "/account/subscription/pay-now/"),
    (
        "subscriptions:payment_method_default",
        {"method_id": 7},
        "/account/subscription/payment-methods/7/default/",
    ),
    (
        "subscriptions:payment_method_remove",
        {"method_id": 7},
        "/account/subscription/payment-methods/7/remove/",
    ),
    ("subscriptions:payment_methods", {}, "/account/subscription/payment-methods/"),
    ("subscriptions:pending_change_cancel", {}, "/account/subscription/pending-change/cancel/"),
    ("subscriptions:plans", {}, "/account/subscription/plans/"),
    ("subscriptions:postpone", {}, "/account/subscription/postpone/"),
    ("subscriptions:resume", {}, "/account/subscription/resume/"),
    ("subscriptions:schedule", {}, "/account/subscription/schedule/"),
    ("subscriptions:student", {}, "/account/subscription/student/"),
    ("subscriptions:withdraw", {}, "/account/subscription/withdraw/"),
]


@pytest.mark.parametrize(("name", "kwargs", "path"), ADDRESSES)
def test_a_named_url_keeps_its_address(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name
