"""The "Your data" page, its switches, the JSON export and deleting the account."""

import json
from collections.abc import Iterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.current import current_device_id
from apps.accounts.decorators import not_for_kids, profile_required
from apps.accounts.devices import device_kind
from apps.accounts.http import AppRequest
from apps.accounts.language import user_language
from apps.accounts.timezones import viewer_zone
from apps.browse.selectors import local_now
from apps.catalogue import selectors as catalogue
from apps.core import clock
from apps.tracking.consent import consent_for
from apps.tracking.personal import export_pages
from apps.tracking.services import your_data as tracking_data
from apps.yourdata import readable, selectors, services
from apps.yourdata.forms import DeleteAccountForm

_SWITCHES = {"viewing_history", "ratings", "traits"}


@require_GET
@profile_required
@not_for_kids
def your_data(request: AppRequest):
    """What the site knows about the account and the profile watching now, and why."""
    data = selectors.your_data(
        account=request.user,
        profile=request.profile,
        personal=consent_for(request).personalization,
        device=device_kind(request.headers.get("User-Agent", "")),
        now=local_now(request.user),
    )
    # The events' times in the viewer's zone, as the inbox and the account page show them.
    with timezone.override(viewer_zone(request.user)):
        return render(
            request,
            "yourdata/your_data.html",
            {
                "data": data,
                "categories": selectors.data_categories(request.user),
                "retention_days": settings.EVENT_RETENTION_DAYS,
            },
        )


@require_POST
@profile_required
@not_for_kids
def switch(request: AppRequest):
    signal = request.POST.get("signal", "")
    value = request.POST.get("use", "")
    if signal not in _SWITCHES or value not in ("on", "off"):
        messages.error(request, _("Choose a switch and whether to use it."))
        return redirect("yourdata:page")
    tracking_data.data_use_set(
        profile=request.profile,
        signal=signal,
        in_use=value == "on",
        device_id=current_device_id(request),
    )
    messages.success(request, _("Saved. Your homepage now follows this choice."))
    return redirect("yourdata:page")


@require_POST
@profile_required
@not_for_kids
def forget_title(request: AppRequest, title_id: int):
    name = catalogue.title_name(title_id)
    if name is None:
        raise Http404(_("No such title."))
    services.title_forget(
        profile=request.profile, title_id=title_id, device_id=current_device_id(request)
    )
    messages.success(
        request,
        _(
            "Forgotten: %(title)s is removed from your history, ratings, My list, "
            "Continue watching and downloads."
        )
        % {"title": name},
    )
    return redirect("yourdata:page")


@require_POST
@profile_required
@not_for_kids
def clear_picks(request: AppRequest):
    if tracking_data.onboarding_picks_clear(
        profile=request.profile, device_id=current_device_id(request)
    ):
        messages.success(request, _("Your onboarding picks are cleared."))
    else:
        messages.info(request, _("You had no onboarding picks to clear."))
    return redirect("yourdata:page")


def _json_export(user) -> Iterator[str]:
    """{"exported_at": …, "account_id": …, "data": {"accounts.Profile": [{…}, …], …}}, written
    a page of rows at a time (tracking.personal.export_pages): a long history is never held
    whole, neither as rows nor as text."""

    def dump(value) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)

    yield f'{{\n "exported_at": {dump(clock.now())},\n "account_id": {dump(user.pk)},\n "data": {{'
    current = None
    for label, rows in export_pages(user):
        lines = [f",\n  {dump(row)}" for row in rows]
        if label != current:
            opening = "" if current is None else "\n ],"
            lines[0] = f"{opening}\n {dump(label)}: [\n  {lines[0][4:]}"
            current = label
        yield "".join(lines)
    yield ("" if current is None else "\n ]") + "\n }\n}\n"


def _streamed(request: AppRequest, chunks: Iterator):
    """The chunks as the server streams them. Under ASGI (the site's server) Django reads a
    plain iterator to its end before the first byte leaves, so the whole download would sit in
    memory: there each chunk is taken in turn on the request's thread (the ORM's), as an async
    iterator. WSGI and the test client stream the plain one."""
    if not hasattr(request, "scope"):
        return chunks

    async def each():
        step = sync_to_async(next, thread_sensitive=True)
        while (chunk := await step(chunks, None)) is not None:
            yield chunk

    return each()


def _too_many_exports(request: AppRequest):
    """The page, saying why, when the account downloaded its data too often this hour."""
    if services.export_take(user=request.user):
        return None
    messages.error(
        request,
        _("You downloaded your data %(n)s times in the last hour: try again in an hour.")
        % {"n": services.EXPORTS_PER_HOUR},
    )
    return redirect("yourdata:page")


@require_GET
@not_for_kids
def export(request: AppRequest):
    """Everything personal about the account, as a JSON download."""
    if refused := _too_many_exports(request):
        return refused
    response = StreamingHttpResponse(
        _streamed(request, _json_export(request.user)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="streamfront-your-data.json"'
    return response


@require_GET
@not_for_kids
def export_readable(request: AppRequest):
    """The same data to read: a ZIP of one CSV per kind of record and a README.txt, in the
    account's language and time zone, streamed as it is written (apps/yourdata/readable.py)."""
    if refused := _too_many_exports(request):
        return refused
    language = user_language(request.user) or translation.get_language() or "en"
    response = StreamingHttpResponse(
        _streamed(request, readable.readable_zip(request.user, language=language)),
        content_type="application/zip",
    )
    response["Content-Disposition"] = 'attachment; filename="streamfront-your-data.zip"'
    return response


@require_http_methods(["GET", "POST"])
@not_for_kids
def account_delete(request: AppRequest):
    """Delete the account after the password is entered again."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.account_delete(user=request.user)
            logout(request)
            messages.success(request, _("Your account and its personal data are deleted."))
            return redirect("accounts:login")
        status = 400
    else:
        status = 200
    context = {
        "form": form,
        "withdrawal": selectors.withdrawal_before_deletion(request.user),
        "others": selectors.others_affected_by_deletion(request.user),
    }
    return render(request, "yourdata/account_delete.html", context, status=status)
