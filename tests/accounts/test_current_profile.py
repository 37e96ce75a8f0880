"""`request.profile`: the session's current profile, set lazily by CurrentProfileMiddleware
(issue 11: one typed request instead of every view repeating the lookup)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from apps.accounts.current import SESSION_PROFILE
from apps.accounts.middleware import CurrentProfileMiddleware
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _through_middleware(*, user=None, profile_id=None, look=True):
    """Run a request through session, auth and profile middleware; return what the view saw."""
    seen = {}

    def view(request):
        if look:
            seen["profile"] = request.profile
            seen["truthy"] = bool(request.profile)
        return HttpResponse()

    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    if user is not None:
        request.session["_auth_user_id"] = str(user.pk)
        request.session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        request.session["_auth_user_hash"] = user.get_session_auth_hash()
    if profile_id is not None:
        request.session[SESSION_PROFILE] = profile_id
    request.session.save()
    request.session.accessed = False
    AuthenticationMiddleware(lambda r: None).process_request(request)
    CurrentProfileMiddleware(view)(request)
    return seen, request


def test_a_signed_in_viewer_gets_the_profile_they_chose():
    profile = ProfileFactory()
    seen, _request = _through_middleware(user=profile.account, profile_id=profile.pk)
    assert seen["truthy"] and seen["profile"].pk == profile.pk


def test_a_visitor_has_no_profile():
    seen, request = _through_middleware()
    assert not seen["truthy"]
    assert isinstance(request.user, AnonymousUser)


def test_another_accounts_profile_named_in_the_session_is_not_theirs():
    mine, theirs = ProfileFactory(), ProfileFactory()
    seen, _request = _through_middleware(user=mine.account, profile_id=theirs.pk)
    assert not seen["truthy"]


def test_a_page_that_never_looks_leaves_the_session_unread():
    """Lazy: the lookup (and the session read that makes a page private) happens on first use."""
    profile = ProfileFactory()
    _seen, request = _through_middleware(user=profile.account, profile_id=profile.pk, look=False)
    assert not request.session.accessed


def test_core_imports_nothing_from_accounts():
    """DESIGN: everything reads accounts, core sits below every app; the profile reaches core's
    context processor as `request.profile`, not through an import."""
    offenders = []
    for path in Path("apps/core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [f"{path}: {n}" for n in names if n.startswith("apps.accounts")]
    assert offenders == []
