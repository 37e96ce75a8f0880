import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.http import is_safe_next
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


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form or button from a page open since before the viewer signed in
    again (or out) carries an old token. A page says so in the site's own frame; htmx gets the
    sentence itself, which app.js shows in the page's notice (htmx drops a 403 silently)."""
    if reason == REASON_NO_CSRF_COOKIE:
        # The cookie was deleted (cleared cookies, a privacy tool), not rotated by a sign-in:
        # no claim that the viewer signed in again (QA17).
        message = _("This page is out of date, so nothing was changed. Reload it and try again.")
    else:
        message = _(
            "This page was open from before you signed in again, so nothing was changed. "
            "Reload it and try again."
        )
    if getattr(request, "htmx", False) or "text/html" not in request.headers.get("Accept", ""):
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    referer = request.headers.get("Referer", "")
    back = ""
    if referer and is_safe_next(request, referer):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    return render(request, "403_csrf.html", {"message": message, "back": back}, status=403)
