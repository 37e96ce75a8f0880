import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.tasks import HEARTBEAT_KEY


def _worker_state() -> str:
    """Inline when tasks run in the web process; else how fresh the workers' heartbeat is."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "inline"
    try:
        stamp = cache.get(HEARTBEAT_KEY)
    except Exception:
        stamp = None
    if stamp is None:
        return "degraded: no heartbeat yet"
    age = time.time() - stamp
    if age > settings.WORKER_HEARTBEAT_STALE_SECONDS:
        return f"degraded: last heartbeat {int(age)} s ago"
    return "ok"


@require_GET
@never_cache
def healthz(request):
    """200 with {"database": "ok", "cache": "ok"}; 503 when the database fails.

    The cache is an accelerator: when it is unreachable the site still answers (slower), so
    the check says "degraded" with a 200 and keeps the process in the load balancer.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not reachable"
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", timeout=5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "degraded: unreachable"
    except Exception as exc:
        checks["cache"] = f"degraded: {exc.__class__.__name__}"
    checks["worker"] = _worker_state()
    failed = [k for k, v in checks.items() if v not in ("ok", "inline")]
    down = checks["database"] != "ok"
    status = "unavailable" if down else ("degraded" if failed else "ok")
    body = {"status": status, **checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if down else 200)
