"""A signed-out visitor (an old bookmark, a link from an e-mail opened in another browser) gets
a page, a sign-in redirect or a 404 from every address: never a server error. The weekly mix
page answered 500 to a signed-out visitor before it asked for a profile like its siblings."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Made-up values for the addresses' parameters: enough to reach the view.
SAMPLES = {
    "int": "7",
    "slug": "a-slug",
    "str": "a-slug",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}


def _addresses(resolver=None, prefix: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = str(entry.pattern)
        if pattern.startswith("^") or "(?P" in pattern:
            continue  # regex routes: the admin's and static files', not viewer pages
        if isinstance(entry, URLResolver):
            yield from _addresses(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield prefix + pattern


def _fill(route: str) -> str | None:
    def sample(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "")

    path = re.sub(r"<(?:(\w+):)?\w+>", sample, route)
    return None if "<" in path else "/" + path


ADDRESSES = sorted({p for p in (_fill(r) for r in _addresses()) if p and "/admin/" not in p})


def test_the_walk_reaches_the_viewer_pages():
    assert {"/", "/mix/", "/search/", "/account/"} <= set(ADDRESSES)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ADDRESSES)
def test_a_signed_out_visitor_never_gets_a_server_error(path):
    client = Client(raise_request_exception=False)
    assert client.get(path).status_code < 500
