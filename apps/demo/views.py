from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def guide(request):
    if not settings.DEMO_MODE:
        raise Http404("Demo mode is off.")
    return render(request, "demo/guide.html", {})
