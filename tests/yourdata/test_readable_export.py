"""QA15 M2: the data export a viewer can read, a ZIP of one CSV per kind of record and a
README.txt, in the account's language and time zone, with only the account's own data."""

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Device
from apps.ratings.models import Rating
from apps.yourdata import readable, services
from tests.factories import ProfileFactory, TitleFactory, signed_in, watch
from tests.tracking.personal_world import account_everywhere

pytestmark = pytest.mark.django_db

URL = "/account/data/export/readable/"


def download(client) -> dict[str, str]:
    """The files of the readable export, by name, as text."""
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="streamfront-your-data.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def rows(files: dict[str, str], suffix: str) -> list[list[str]]:
    """The file's rows, read with the list separator its language's spreadsheets expect."""
    (name,) = [n for n in files if n.endswith(suffix)]
    french = "-appareils.csv" in "".join(files)
    return list(csv.reader(io.StringIO(files[name]), delimiter=";" if french else ","))


def test_a_french_account_reads_french_headers_names_and_its_own_clock(client):
    profile = ProfileFactory(name="Camille")
    account = profile.account
    account.language, account.time_zone = "fr", "America/New_York"
    account.save()
    seen = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # 11:30 in New York (summer time)
    Device.objects.create(
        profile=profile, key="k1", kind="tv", label="Salon", first_seen=seen, last_seen=seen
    )
    title = TitleFactory(name="Le Grand Bleu")
    Rating.objects.create(profile=profile, title=title, value=2, updated_at=seen)
    files = download(signed_in(profile, client))

    # Semicolons: French spreadsheets read "59,90 €" as a number's comma (QA19); names with an
    # apostrophe keep their words apart.
    (name,) = [n for n in files if n.endswith("-appareils.csv")]
    assert files[name].startswith("Profil;Appareil;Type;")
    assert any(n.endswith("-bilan-de-l-annee.csv") for n in files), sorted(files)
    devices = rows(files, "-appareils.csv")
    assert devices[0] == [
        "Profil",
        "Appareil",
        "Type",
        "Pays",
        "Vu la première fois",
        "Vu la dernière fois",
    ]
    assert devices[1][:3] == ["Camille", "Salon", "TV"]
    assert devices[1][4] == "10 mars 2026, 11:30"
    ratings = rows(files, "-evaluations.csv")
    assert ratings[0][:3] == ["Profil", "Titre", "Évaluation"]
    assert ratings[1][:3] == ["Camille", "Le Grand Bleu", "J’adore"]
    # Nothing a viewer cannot read: no ids, no field names.
    assert not any("_id" in h or "_at" in h for h in devices[0] + ratings[0])
    assert files["README.txt"].startswith("Vos données chez Streamfront")
    assert "-appareils.csv (Appareils)" in files["README.txt"]


def test_an_english_account_gets_english(client):
    profile = ProfileFactory()
    profile.account.language = "en"
    profile.account.save()
    from apps.subscriptions.models import PaymentMethod

    PaymentMethod.objects.create(
        user=profile.account,
        kind="card",
        token="tok-1",
        brand="visa",
        last4="4242",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    files = download(signed_in(profile, client))
    assert rows(files, "-profiles.csv")[0][:2] == ["Name", "Kids profile"]
    assert rows(files, "-payment-cards.csv")[1][:3] == ["Card", "Visa", "4242"]  # not "visa"
    assert files["README.txt"].startswith("Your data at Streamfront")


def test_it_holds_only_the_accounts_own_data(client):
    world = account_everywhere()
    bystander = account_everywhere()
    files = download(signed_in(world.profile, client))
    text = "\n".join(files.values())
    assert world.profile.name in text
    assert world.user.email in text
    assert bystander.profile.name not in text
    assert bystander.user.email not in text


def test_the_query_count_does_not_grow_with_the_history(client):
    """Guards against a title read per event line (naming each event's title): the titles and
    episodes of a page of events are read once for the page."""
    profile = ProfileFactory()
    viewer = signed_in(profile, client)
    watch(profile, [TitleFactory() for _ in range(2)])
    download(viewer)  # the first request of a session records its device
    with CaptureQueriesContext(connection) as short:
        download(viewer)
    watch(profile, [TitleFactory() for _ in range(30)])
    with CaptureQueriesContext(connection) as long:
        files = download(viewer)
    assert len(rows(files, "-activity.csv")) == 1 + 32
    assert len(long.captured_queries) == len(short.captured_queries)


def test_a_long_history_is_read_a_page_at_a_time_and_nothing_is_lost(client, monkeypatch):
    monkeypatch.setattr(readable, "PAGE", 10)
    profile = ProfileFactory()
    titles = [TitleFactory() for _ in range(25)]
    watch(profile, titles)
    files = download(signed_in(profile, client))
    lines = rows(files, "-activity.csv")[1:]
    assert len(lines) == 25
    assert [line[2] for line in lines] == [f"You finished {t.name}." for t in titles]


def test_signed_out_visitors_and_kids_get_none(client):
    assert client.get(URL).status_code == 302
    kid = signed_in(ProfileFactory(is_kids=True))
    assert kid.get(URL).status_code == 302


def test_an_eleventh_download_in_an_hour_is_refused_with_the_reason(client):
    viewer = signed_in(ProfileFactory(), client)
    for _ in range(services.EXPORTS_PER_HOUR - 1):
        assert viewer.get(URL).status_code == 200
    assert viewer.get("/account/data/export/").status_code == 200  # the JSON counts too
    refused = viewer.get(URL, follow=True)
    assert refused.redirect_chain == [("/account/data/", 302)]
    assert "You downloaded your data 10 times in the last hour" in refused.content.decode()
    # Another account is not held back by this one.
    assert signed_in(ProfileFactory()).get(URL).status_code == 200


def test_the_reminders_file_lists_episode_and_title_reminders(client):
    from apps.browse.models import ReleaseReminder, TitleReminder
    from tests.factories import EpisodeFactory, SeasonFactory

    profile = ProfileFactory(name="Sam")
    asked = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    episode = EpisodeFactory(season=SeasonFactory(title__name="Tide Turns", number=2), number=3)
    ReleaseReminder.objects.create(profile=profile, episode=episode, created_at=asked)
    film = TitleFactory(name="The Long Harbour")
    TitleReminder.objects.create(profile=profile, title=film, created_at=asked)
    files = download(signed_in(profile, client))
    reminders = rows(files, "-reminders.csv")
    assert reminders[0] == ["Profile", "Title", "Episode", "Asked"]
    assert reminders[1][:2] == ["Sam", "Tide Turns"] and reminders[1][2]
    assert reminders[2][:3] == ["Sam", "The Long Harbour", ""] and reminders[2][3]
    assert "coming titles you asked to be reminded of" in files["README.txt"]
