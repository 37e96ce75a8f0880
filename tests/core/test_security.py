import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import TitleFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_send_strict_security_headers(viewer_client):
    response = viewer_client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client, profile):
    client.get("/accounts/login/")
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client.post(
        "/accounts/login/", {"username": profile.account.email, "password": "correct horse battery"}
    )
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/profiles/",
        "/search/?q=title",
        "/title/title-x/",
        "/account/",
        "/accounts/password-reset/",
    ],
)
def test_templates_have_no_inline_script_handler_or_style(viewer_client, url):
    """A strict CSP would silently break these, so none may exist."""
    TitleFactory(name="Title X")
    html = viewer_client.get(url).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)
    assert not INLINE_STYLE.search(html)


def _run_check(env_extra: dict) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env_extra}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "stream.example"})
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr


def test_production_passes_the_deploy_checklist():
    result = _run_check(
        {
            "DJANGO_ENV": "production",
            "ALLOWED_HOSTS": "stream.example",
            "SECRET_KEY": "p" * 20 + "r0duct10n-k3y-w1th-3n0ugh-3ntr0py-&*^%$#@!" + "q" * 10,
        }
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_turns_demo_mode_off():
    code = "from django.conf import settings; print(settings.DEMO_MODE, settings.DEBUG)"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DJANGO_ENV": "production",
        "DEMO_MODE": "1",
        "DEBUG": "1",
        "SECRET_KEY": "k" * 30 + "-x9!@#$%^&*()_+" * 3,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False False", result.stderr
