from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """200 with {"database": "ok", "cache": "ok"}; 503 naming the part that failed."""
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
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: read back failed"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    failed = [k for k, v in checks.items() if v != "ok"]
    body = {"status": "ok" if healthy else "unavailable", **checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=200 if healthy else 503)
