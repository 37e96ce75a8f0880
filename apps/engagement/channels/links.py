"""Where a message's button may lead: this site only."""


def site_relative(url: str) -> str:
    """`url` when it is a path on this site ("/watch/12/?t=734"); "" for anything else
    (another host, "//host", a scheme, a backslash trick)."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    if any(ord(ch) < 32 for ch in url):
        return ""
    return url
