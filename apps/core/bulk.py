"""Appending many rows without the ORM's per-row SQL compilation."""

from collections.abc import Sequence

from django.db import connection, transaction


def insert_many(model, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """One `executemany` of `rows` (values already adapted for the database, in `columns`
    order) into `model`'s table; rows that hit a unique constraint are skipped.

    For logs written in bulk (events, artwork impressions): `bulk_create` spends milliseconds
    per hundred rows compiling SQL, which dominated seeding the demo and would land on the
    page view that flushes a buffer.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
