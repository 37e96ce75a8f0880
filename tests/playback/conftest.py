import pytest

from apps.catalogue.models import Title
from tests.factories import EpisodeFactory, SeasonFactory, TitleFactory


@pytest.fixture
def film(db):
    return TitleFactory(name="Harbour Lights", runtime_minutes=100)


@pytest.fixture
def series(db):
    """Two seasons: S1 has three 45-minute episodes, S2 has two."""
    title = TitleFactory(name="Night Shift", kind=Title.Kind.SERIES, runtime_minutes=45)
    for season_number, count in ((1, 3), (2, 2)):
        season = SeasonFactory(title=title, number=season_number)
        for n in range(1, count + 1):
            EpisodeFactory(
                season=season,
                title=title,
                number=n,
                name=f"S{season_number} E{n}",
                runtime_minutes=45,
            )
    return title


@pytest.fixture
def episodes(series):
    return list(series.episodes.select_related("season").order_by("season__number", "number"))


@pytest.fixture
def report(profile):
    """`report(item, position, seq, ...)`: one progress report as the session's profile."""
    from apps.playback import services

    counter = {"n": 0}

    def send(item, position, seq=None, *, seek=False, who=None, session="session-one", **kw):
        counter["n"] += 1
        episode = item if not isinstance(item, Title) else None
        title = item if isinstance(item, Title) else item.title
        return services.progress_report(
            profile=who or profile,
            title=title,
            episode=episode,
            position=position,
            report_id=kw.pop("report_id", f"report-{counter['n']:06d}"),
            seq=counter["n"] if seq is None else seq,
            explicit_seek=seek,
            session_id=session,
            **kw,
        )

    return send
