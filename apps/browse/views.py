from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.current import current_profile
from apps.accounts.decorators import profile_required
from apps.browse import selectors


@require_GET
@profile_required
def home(request):
    hero, rows = selectors.home_rows(profile=current_profile(request))
    return render(request, "browse/home.html", {"hero": hero, "rows": rows})
