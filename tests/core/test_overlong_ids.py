"""QA9: an id longer than any database id (`/party/99999999999999999999/`) is a 404, never a
500, on every route that takes a number: the party pages looked it up through a foreign key,
which overflowed SQLite's INTEGER."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from apps.core.converters import ID_MAX, IdConverter
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
HUGE = "9" * 20


def _routes(patterns, prefix=""):
    """Every route (as a path with its parameters filled) that takes a number."""
    for pattern in patterns:
        route = str(pattern.pattern)
        converters = getattr(pattern.pattern, "converters", {})
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
            continue
        assert isinstance(pattern, URLPattern)
        if not any(isinstance(c, IntConverter | IdConverter) for c in converters.values()):
            continue
        path = prefix + route
        for name, converter in converters.items():
            kind = "int" if isinstance(converter, IntConverter) else "id"
            value = HUGE if isinstance(converter, IntConverter | IdConverter) else "a-slug"
            for spelled in (f"<{kind}:{name}>", f"<{type(converter).__name__}:{name}>"):
                path = path.replace(spelled, value)
            path = path.replace(f"<{name}>", value).replace(f"<str:{name}>", value)
            path = path.replace(f"<slug:{name}>", value).replace(f"<path:{name}>", value)
        yield "/" + path.lstrip("^").lstrip("/")


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def test_the_walk_finds_the_routes_qa_named():
    assert f"/party/{HUGE}/" in ROUTES
    assert f"/party/{HUGE}/watch/" in ROUTES
    assert len(ROUTES) > 30


@pytest.mark.parametrize("path", ROUTES)
def test_a_twenty_digit_id_is_never_a_server_error(client, profile, path):
    profile.account.is_staff = profile.account.is_superuser = True
    profile.account.save()
    viewer = signed_in(profile, client)
    viewer.raise_request_exception = False
    for method in (viewer.get, viewer.post):
        response = method(path)
        assert response.status_code < 500, (path, method.__name__, response.status_code)


def test_the_id_converter_takes_every_real_id_and_refuses_more():
    converter = IdConverter()
    assert converter.to_python(str(ID_MAX)) == ID_MAX
    with pytest.raises(ValueError):
        converter.to_python(str(ID_MAX + 1))
