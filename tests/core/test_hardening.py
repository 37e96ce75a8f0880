"""Malformed input is refused before it reaches the database; personal pages stay private;
production fails fast instead of answering 500 on every page."""

import subprocess
import sys
from pathlib import Path

import pytest

from apps.accounts.models import Profile

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=night%00",
        "/account/subscription/invoices/x%00/",
        "/account/subscription/join/x%00/",
        "/title/x%00y/",
    ],
)
def test_a_nul_byte_in_the_path_or_query_is_a_400(viewer_client, url):
    response = viewer_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/search/?q=%00", "/?batch=99999&shown=%00"])
def test_a_nul_byte_gets_the_sites_own_400_page(viewer_client, url):
    """The NUL answer was plain black text outside the site; it is the 400 page a malformed
    home link gets: the header, the message, a way back, kept out of shared caches."""
    response = viewer_client.get(url)
    assert response.status_code == 400
    assert [t.name for t in response.templates][:2] == ["400.html", "base.html"]
    page = response.content.decode()
    assert "That link doesn't work" in page
    assert "The request contains a NUL character, which no page here accepts." in page
    assert 'class="site-header' in page and "Sign out" in page
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_nul_400_page_speaks_the_viewers_language(viewer_client):
    viewer_client.cookies["django_language"] = "fr"
    response = viewer_client.get("/search/?q=%00", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_an_htmx_request_with_a_nul_byte_keeps_the_short_answer(viewer_client):
    response = viewer_client.get("/?batch=1&shown=%00", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/account/subscription/invoices/x/",
        "/account/subscription/invoices/9999-999999/",
        "/account/subscription/join/not-a-token/",
        "/title/no-such-title/",
        "/watch/title/999999/",
        "/profiles/999999/edit/",
    ],
)
def test_junk_ids_are_a_404(viewer_client, url):
    assert viewer_client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_is_a_400_and_changes_nothing(viewer_client, profile):
    response = viewer_client.post(f"/profiles/{profile.pk}/edit/", {"name": "Mo\x00m"})
    assert response.status_code == 400
    profile.refresh_from_db()
    assert "\x00" not in profile.name


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Mom\u202e", "\u202eevil", "A\u200bB", "tab\there"])
def test_profile_names_refuse_bidi_and_invisible_characters(viewer_client, name):
    before = Profile.objects.count()
    response = viewer_client.post("/profiles/new/", {"name": name})
    assert response.status_code == 200
    assert "invisible or control characters" in response.content.decode()
    assert Profile.objects.count() == before


@pytest.mark.django_db
def test_signup_refuses_a_bidi_profile_name(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "bidi@example.com", "password": "a-long-pass-phrase", "profile_name": "x\u202e"},
    )
    assert response.status_code == 200
    assert "invisible or control characters" in response.content.decode()
    assert not Profile.objects.filter(account__email="bidi@example.com").exists()


@pytest.mark.django_db
def test_signed_in_pages_are_private_to_shared_caches(viewer_client):
    response = viewer_client.get("/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def _python(code: str, env_extra: dict) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env_extra,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "ALLOWED_HOSTS": "stream.example",
    "SECRET_KEY": "k" * 30 + "-x9!@#$%^&*()_+" * 3,
}


def test_production_refuses_to_serve_before_collectstatic(tmp_path):
    result = _python("import config.asgi", {**PRODUCTION, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode != 0
    assert "collectstatic" in result.stderr


def test_production_serves_once_static_files_are_collected(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = _python(
        "import config.asgi; print('ready')", {**PRODUCTION, "STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert "ready" in result.stdout


def test_postgresql_connections_are_not_kept_per_thread_and_the_pool_is_bounded():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d.get('OPTIONS', {}).get('pool'))"
    )
    url = {"DATABASE_URL": "postgresql://u:p@127.0.0.1:1/db"}
    plain = _python(code, url)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == ["0", "None"]
    pooled = _python(code, {**url, "DB_POOL_MAX_SIZE": "6"})
    assert pooled.returncode == 0, pooled.stderr
    assert "0 {'min_size': 1, 'max_size': 6, 'timeout': 10.0}" in pooled.stdout


def test_production_serves_hashed_static_files_as_immutable(tmp_path):
    env = {**PRODUCTION, "STATIC_ROOT": str(tmp_path)}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr
    code = (
        "import re, django; django.setup(); from django.test import Client; "
        "from django.template.loader import render_to_string; "
        "html = render_to_string('includes/stylesheets.html'); "
        'urls = re.findall(r\'href="([^"]+)"\', html); '
        "[print(u, r.status_code, r['Cache-Control']) for u in urls "
        "for r in [Client().get(u, secure=True, HTTP_HOST='stream.example')]]"
    )
    result = _python(code, env)
    assert result.returncode == 0, result.stderr
    served = [line.split(" ", 2) for line in result.stdout.splitlines()]
    assert len(served) >= 10  # every component stylesheet the pages load
    for url, status, cache_control in served:
        assert url.startswith("/static/css/") and url.count(".") == 2, url  # the hashed name
        assert status == "200", url
        assert "immutable" in cache_control and "max-age=315360000" in cache_control


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["abc", "-1", "..", "%2e%2e", "http://[", "mailto:x@y.z"])
def test_a_next_that_is_no_site_path_goes_back_to_the_page_not_to_a_500(
    viewer_client, profile, next_url
):
    """A tampered `next` (a bare word, a relative path) was handed to redirect(), which read it
    as a URL name and answered 500 after the title was already added."""
    from apps.browse.models import MyListEntry
    from tests.factories import TitleFactory

    title = TitleFactory()
    response = viewer_client.post(f"/my-list/{title.pk}/", {"action": "add", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == title.get_absolute_url()
    assert MyListEntry.objects.filter(profile=profile, title=title).count() == 1
    response = viewer_client.post(f"/ratings/{title.pk}/", {"value": "like", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == title.get_absolute_url()


@pytest.mark.django_db
def test_a_next_on_this_site_is_still_followed(viewer_client):
    from tests.factories import TitleFactory

    title = TitleFactory()
    response = viewer_client.post(f"/my-list/{title.pk}/", {"action": "add", "next": "/my-list/"})
    assert response["Location"] == "/my-list/"
    response = viewer_client.post(
        f"/my-list/{title.pk}/", {"action": "remove", "next": "http://testserver/new/"}
    )
    assert response["Location"] == "http://testserver/new/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [
        pytest.param("ab\x00cd", id="nul-short"),
        pytest.param("abcdefghij\x00klmnopqrstuvwxyz012345", id="nul"),
        pytest.param("abcdefghij\x01klmnopqrstuvwxyz012345", id="control"),
        pytest.param("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", id="not-a-key"),
    ],
)
def test_a_session_cookie_with_a_nul_or_control_character_is_signed_out(client, key):
    """`Cookie: sessionid=ab\\x00cd` is no session: signed out, not a 500. The key never
    reaches the database (PostgreSQL refuses NUL in text: a 500 there on the old code, where
    SQLite merely found no row) nor the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        account = client.get("/account/", HTTP_COOKIE=f"sessionid={key}")
        page = client.get("/search/?q=night", HTTP_COOKIE=f"sessionid={key}")
    assert account.status_code == 302 and account["Location"].startswith("/accounts/login/")
    assert page.status_code == 200 and "Sign out" not in page.content.decode()
    assert not [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_a_real_session_cookie_still_signs_in(viewer_client):
    """The stricter key check keeps the keys Django makes: the viewer stays signed in."""
    key = viewer_client.cookies["sessionid"].value
    assert key.isalnum() and key == key.lower()
    assert viewer_client.get("/account/").status_code == 200
