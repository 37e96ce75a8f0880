"""The demo's artwork: plan three to five posters per seeded title, draw them in a process
pool (apps/demo/posters/worker.py) and store them as artwork variants with their renditions."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import random
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from apps.catalogue import images
from apps.catalogue.files import delete_files
from apps.catalogue.models import ArtworkVariant, Genre, Title
from apps.catalogue.versioning import bump_catalogue_version
from apps.demo.posters.worker import render_poster_job

logger = logging.getLogger(__name__)

TONES = [c.value for c in ArtworkVariant.Tone]
FOCUSES = [c.value for c in ArtworkVariant.Focus]


def _variant_plan(title: Title, count: int, genres: list[Genre], seed: int) -> list[dict]:
    """Jobs for one title's posters: a dark and a light always (all three tones from three
    variants), focuses cycling without repeats, genre emphasis cycling through the title's
    genres. Plain dicts: they are pickled to worker processes."""
    rng = random.Random(zlib.crc32(f"{seed}:{title.pk}".encode()))
    count = max(1, count)
    tones = ["dark", "light", "neutral"][:count] + [rng.choice(TONES) for _ in range(count - 3)]
    rng.shuffle(tones)
    focuses: list[str] = []
    while len(focuses) < count:
        block = FOCUSES[:]
        rng.shuffle(block)
        if focuses and block[0] == focuses[-1]:
            block.reverse()
        focuses += block
    return [
        {
            "title_id": title.pk,
            "title": title.name,
            "genre_id": genres[i % len(genres)].pk,
            "genre": genres[i % len(genres)].name,
            "tone": tones[i],
            "focus": focuses[i],
            "seed": zlib.crc32(f"{seed}:{title.pk}:{i}".encode()),
        }
        for i in range(count)
    ]


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork starts workers instantly with everything imported, but forking a process that runs
    # other threads (a threaded dev server) can deadlock the child: spawn there instead.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextmanager
def _rendered(jobs: list[dict], processes: int) -> Iterator[Iterator[dict[str, Any]]]:
    """Posters in job order, drawn by a pool (CPU-bound: one worker per core). The pool's
    workers exist once this is entered, so the caller may start threads of its own."""
    # A daemonic process (a Celery prefork child) may not start workers of its own.
    if processes <= 1 or len(jobs) < 8 or multiprocessing.current_process().daemon:
        yield map(render_poster_job, jobs)
        return
    with _pool_context().Pool(processes) as pool:
        yield pool.imap(render_poster_job, jobs, chunksize=4)


def _store_batch(batch: list[dict[str, Any]]) -> int:
    """Rows first (for their ids), then files under those ids, then the paths on the rows."""
    written: list[str] = []
    try:
        with transaction.atomic():
            rows = ArtworkVariant.objects.bulk_create(
                [
                    ArtworkVariant(
                        title_id=r["job"]["title_id"],
                        label=f"{r['job']['tone'].title()} · {r['job']['focus'].title()} · "
                        f"{r['job']['genre']}",
                        tone=r["job"]["tone"],
                        focus=r["job"]["focus"],
                        genre_id=r["job"]["genre_id"],
                        original="",
                    )
                    for r in batch
                ]
            )
            for row, result in zip(rows, batch, strict=True):
                path = images.original_path(title_id=row.title_id, variant_id=row.pk, ext="jpg")
                row.original.name = images.storage_overwrite(path, result["original"])
                written.append(row.original.name)
                row.renditions = images.write_renditions(
                    title_id=row.title_id, variant_id=row.pk, renditions=result["renditions"]
                )
                written += images.rendition_files(row.renditions)
            ArtworkVariant.objects.bulk_update(rows, ["original", "renditions"])
    except Exception:
        delete_files(written)
        raise
    return len(rows)


def artwork_generate(
    *,
    title_ids: list[int],
    variants_per_title: int | Callable[[Title], int],
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
    batch_size: int = 120,
) -> int:
    """Draw demo posters for titles that have no artwork yet; returns variants created.

    Titles that already have any variant are skipped, so running it twice adds nothing.
    Posters are drawn and encoded in a process pool (CPU-bound); files and rows are written
    by this process in batches, each batch in its own transaction. `variants_per_title` is a
    number or a function of the title. Titles with no genre use the first genre there is.
    """
    titles = list(
        Title.objects.filter(pk__in=title_ids, artwork__isnull=True).distinct().order_by("pk")
    )
    # Genres in the order they were given to each title (the primary one first), which the
    # through table's ids keep and a plain prefetch would not.
    genre_by_id = {g.pk: g for g in Genre.objects.all()}
    title_genres: dict[int, list[Genre]] = defaultdict(list)
    links = Title.genres.through.objects.filter(title_id__in=[t.pk for t in titles])
    for title_id, genre_id in links.order_by("pk").values_list("title_id", "genre_id"):
        title_genres[title_id].append(genre_by_id[genre_id])
    fallback = min(genre_by_id.values(), key=lambda g: g.pk, default=None)
    jobs: list[dict] = []
    for title in titles:
        genres = title_genres.get(title.pk) or ([fallback] if fallback else [])
        if not genres:
            logger.warning("no genre to emphasize for %s; skipped", title)
            continue
        count = variants_per_title(title) if callable(variants_per_title) else variants_per_title
        jobs += _variant_plan(title, int(count), genres, seed)
    if not jobs:
        return 0

    processes = processes if processes is not None else min(2, os.cpu_count() or 1)
    total, created, worker_cpu, started = len(jobs), 0, 0.0, time.perf_counter()
    report = progress or (lambda done, total: None)
    batch: list[dict[str, Any]] = []
    with _rendered(jobs, processes) as rendered:
        report(0, total)  # the workers are up: a caller may now start threads (see above)
        # Batches end on a title boundary: a title never keeps only some of its variants.
        for _title_id, group in itertools.groupby(rendered, lambda r: r["job"]["title_id"]):
            results = list(group)
            worker_cpu += sum(r["cpu_seconds"] for r in results)
            batch += results
            if len(batch) >= batch_size:
                created += _store_batch(batch)
                batch = []
                report(created, total)
        if batch:
            created += _store_batch(batch)
            report(created, total)
    logger.info(
        "artwork_generate: %d posters in %.1f s with %d process(es), %.1f ms CPU each to draw "
        "and encode",
        created,
        time.perf_counter() - started,
        processes,
        worker_cpu / max(1, total) * 1000,
    )
    # bulk_create sends no post_save: tell cached pages the artwork changed.
    transaction.on_commit(bump_catalogue_version)
    return created
