"""A title still to come (a film or a whole series an admin dated ahead): its page says when,
and "Remind me" asks for a notice once it is out (apps/browse/coming.py, services)."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.current import current_device_id
from apps.accounts.decorators import profile_required
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone
from apps.browse import services
from apps.browse.coming import ComingTitle
from apps.catalogue.models import Title
from apps.core.http import safe_next


def coming_title_page(request: AppRequest, coming: ComingTitle):
    """The page of a coming title: artwork, synopsis, genres, cast and the date it comes out
    in the viewer's zone; no Play, Download, thumbs, Watch together or match."""
    context = {"coming": coming, "title": coming.title, "zone": viewer_zone(request.user)}
    return render(request, "browse/title_coming.html", context)


@require_POST
@profile_required
def remind_title(request: AppRequest, title_id: int):
    """Set or clear "Remind me" for a coming title (`remind` is the state wanted: on or off);
    htmx swaps the button, a plain form comes back to the page with a message."""
    profile = request.profile
    title = Title.objects.filter(pk=title_id, is_published=True).rated_for(profile).first()
    if title is None:
        raise Http404(_("No such title."))
    wanted = request.POST.get("remind")
    if wanted not in ("on", "off"):
        return HttpResponseBadRequest(_("Say whether to set or clear the reminder."))
    try:
        on = services.title_reminder_set(
            profile=profile, title=title, on=wanted == "on", device_id=current_device_id(request)
        )
    except services.ReminderRefused:
        message = _("“%(t)s” is already out: watch it now.") % {"t": title.name}
        if request.htmx:
            return HttpResponseBadRequest(message)
        messages.error(request, message)
        return redirect(title.get_absolute_url())
    if request.htmx:
        item = ComingTitle(title, title.available_from, on)
        return render(request, "browse/title_coming.html#remind", {"item": item})
    messages.success(
        request,
        (_("Reminder set for “%(t)s”.") if on else _("Reminder cleared for “%(t)s”."))
        % {"t": title.name},
    )
    return redirect(safe_next(request, title.get_absolute_url()))
