"""manage.py import_movielens on a tiny copy of the MovieLens 100k layout."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.catalogue.models import Title
from apps.demo import movielens
from apps.tracking.models import Event

GENRES = (
    "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\n"
    "Documentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\n"
    "Romance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n"
)


def _flags(*ids: int) -> str:
    return "|".join("1" if i in ids else "0" for i in range(19))


ITEMS = [
    f"1|Toy Story (1995)|01-Jan-1995||http://x|{_flags(3, 4, 5)}",
    f"2|Shawshank Redemption, The (1994)|01-Jan-1994||http://x|{_flags(8)}",
    f"3|Misérables, Les (1995)|01-Jan-1995||http://x|{_flags(8, 12)}",
    f"4|Nightmare Again (1996)|||http://x|{_flags(11)}",  # no date: year from the name
    f"267|unknown||||{_flags(0)}",  # no year anywhere: skipped
]
DATA = [
    "10\t1\t5\t881250949",
    "10\t2\t4\t881250950",
    "10\t3\t3\t881250951",
    "11\t2\t1\t881250952",
    "11\t4\t2\t881250953",
    "12\t267\t4\t881250954",  # rates the skipped item: dropped
]


def write_layout(folder: Path, *, items=ITEMS, data=DATA, genres=GENRES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "u.genre").write_text(genres, encoding="latin-1")
    (folder / "u.item").write_text("\n".join(items) + "\n", encoding="latin-1")
    (folder / "u.data").write_text("\n".join(data) + "\n", encoding="latin-1")
    return folder


def run(folder: Path) -> str:
    out = StringIO()
    call_command("import_movielens", str(folder), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_import_creates_titles_viewers_and_history(tmp_path):
    run(write_layout(tmp_path / "ml"))
    titles = {t.external_id: t for t in Title.objects.prefetch_related("genres")}
    assert set(titles) == {"ml100k:1", "ml100k:2", "ml100k:3", "ml100k:4"}
    toy = titles["ml100k:1"]
    assert (toy.name, toy.year, toy.is_published, toy.maturity) == ("Toy Story", 1995, True, "all")
    assert sorted(g.name for g in toy.genres.all()) == ["Animation", "Children's", "Comedy"]
    assert titles["ml100k:2"].name == "The Shawshank Redemption"
    assert titles["ml100k:3"].name == "Les Misérables"
    assert titles["ml100k:4"].year == 1996
    assert len({t.slug for t in titles.values()}) == 4

    viewers = User.objects.filter(email__endswith="@movielens.test")
    assert sorted(viewers.values_list("email", flat=True)) == [
        "ml-10@movielens.test",
        "ml-11@movielens.test",
    ]
    assert not any(u.has_usable_password() for u in viewers)

    completed = Event.objects.filter(name="play_completed")
    assert completed.count() == 5  # one per rating of a known film
    first = completed.get(
        profile__account__email="ml-10@movielens.test", properties__title_id=toy.pk
    )
    assert first.occurred_at.timestamp() == 881250949
    ratings = {
        (e.profile.account.email, e.properties["title_id"]): e.properties["value"]
        for e in Event.objects.filter(name="rating").select_related("profile__account")
    }
    assert ratings == {
        ("ml-10@movielens.test", toy.pk): 2,  # 5 stars: love
        ("ml-10@movielens.test", titles["ml100k:2"].pk): 1,  # 4 stars: like
        ("ml-11@movielens.test", titles["ml100k:2"].pk): -1,  # 1 star: not for me
        ("ml-11@movielens.test", titles["ml100k:4"].pk): -1,  # 2 stars
    }


@pytest.mark.django_db
def test_rerunning_the_import_adds_nothing(tmp_path):
    folder = write_layout(tmp_path / "ml")
    run(folder)
    counts = (Title.objects.count(), User.objects.count(), Event.objects.count())
    assert "0 titles created" in run(folder)
    assert (Title.objects.count(), User.objects.count(), Event.objects.count()) == counts


@pytest.mark.django_db
def test_slug_clash_with_an_existing_title_gets_a_suffix(tmp_path):
    from tests.factories import TitleFactory

    TitleFactory(name="Toy Story", slug="toy-story-1995")
    run(write_layout(tmp_path / "ml"))
    assert Title.objects.get(external_id="ml100k:1").slug == "toy-story-1995-ml1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"data": DATA[:2] + ["10\t3\t3"] + DATA[3:]}, "u.data line 3"),
        ({"data": DATA[:1] + ["10\t999\t3\t881250951"]}, "u.data line 2: item 999"),
        ({"data": ["10\t1\t9\t881250951"]}, "u.data line 1: rating 9"),
        ({"items": ITEMS[:1] + ["2|Broken (1994)|01-Jan-1994||x|0|1"]}, "u.item line 2"),
        ({"items": [ITEMS[0].replace("01-Jan-1995", "1995/01/01")]}, "u.item line 1"),
        ({"genres": "Action\n"}, "u.genre line 1"),
    ],
)
def test_a_malformed_file_names_file_and_line_and_writes_nothing(tmp_path, change, message):
    folder = write_layout(tmp_path / "ml", **change)
    with pytest.raises(CommandError, match=message):
        run(folder)
    assert not Title.objects.exists()
    assert not User.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path):
    folder = write_layout(tmp_path / "ml")
    (folder / "u.data").unlink()
    with pytest.raises(CommandError, match="u.data is missing"):
        run(folder)
    with pytest.raises(CommandError, match="not a directory"):
        run(tmp_path / "nowhere")
    assert not Title.objects.exists()


def test_display_names_move_trailing_articles():
    assert movielens._display_name("Shawshank Redemption, The (1994)") == (
        "The Shawshank Redemption"
    )
    assert movielens._display_name("Postino, Il (1994)") == "Il Postino"
    assert movielens._display_name("Fish Called Wanda, A (1988)") == "A Fish Called Wanda"
    assert movielens._display_name("Heat (1995)") == "Heat"
