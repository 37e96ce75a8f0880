import pytest

from apps.accounts.devices import device_kind, device_label


@pytest.mark.parametrize(
    ("ua", "kind"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1", "phone"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1", "tablet"),
        ("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Chrome/120 Safari", "tablet"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36", "phone"),
        ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser", "tv"),
        ("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 Chrome/87", "tv"),
        ("Mozilla/5.0 (PlayStation 5 3.11) AppleWebKit/605.1.15", "console"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) Edge/44", "console"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36", "computer"),
        ("", "computer"),
    ],
)
def test_device_kind_from_user_agent(ua, kind):
    assert device_kind(ua) == kind


def test_device_label_names_browser_and_system():
    ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605 Version/17 Safari/605"
    assert device_label(ua) == "Safari on macOS"


def test_a_stored_label_reads_in_the_page_language():
    from django.utils import translation

    from apps.accounts.devices import label_in_words

    with translation.override("fr"):
        assert label_in_words("Safari on macOS") == "Safari sur macOS"
        assert label_in_words("Firefox") == "Firefox"
    with translation.override("en"):
        assert label_in_words("Safari on macOS") == "Safari on macOS"
