"""What the ratings tests read off the homepage (the genre world and `watch` they train on are
tests/conftest.py's `world` and tests/factories.py's `watch`)."""

import re


def home_title_ids(client) -> list[int]:
    """Title ids of every card on the homepage's first batch, in page order."""
    html = client.get("/").content.decode()
    return [int(x) for x in re.findall(r'action="/ratings/(\d+)/[?"]', html)]
