"""Help centre pages and the contact form. Thin: articles and search are pure modules, writes
are services, reads are selectors."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from apps.accounts.decorators import not_for_kids
from apps.accounts.http import AppRequest
from apps.accounts.timezones import viewer_zone
from apps.support import articles, search, selectors, services
from apps.support.forms import ContactForm, SignedOutContactForm


@require_GET
@vary_on_headers("HX-Request")
def help_index(request: AppRequest) -> HttpResponse:
    """Every article, or those matching `q` (htmx swaps the results as the viewer types)."""
    query = (request.GET.get("q") or "").strip()
    error = ""
    shown = list(articles.ARTICLES)
    if len(query) > search.MAX_QUERY_LENGTH:
        error = _("Search terms are at most %(n)d characters.") % {"n": search.MAX_QUERY_LENGTH}
        shown = []
    elif query:
        hits = search.search(query, search.documents_in_language(articles.ARTICLES))
        shown = [articles.BY_SLUG[hit.key] for hit in hits]
    context = {"query": query, "articles": shown, "error": error}
    status = 400 if error else 200
    if request.htmx and request.htmx.target == "help-results":
        return render(request, "support/index.html#results", context, status=status)
    return render(request, "support/index.html", context, status=status)


@require_GET
def article(request: AppRequest, slug: str) -> HttpResponse:
    found = articles.BY_SLUG.get(slug)
    if found is None:
        raise Http404(_("There is no such help article."))
    others = [a for a in articles.ARTICLES if a.slug != slug]
    return render(request, "support/article.html", {"article": found, "others": others})


@require_http_methods(["GET", "POST"])
def contact(request: AppRequest) -> HttpResponse:
    """Ask us something: a subject and a message; the request lands in the admin as a ticket.
    Signed out, the form also asks where to answer (someone who cannot sign in must still
    reach us); signed in, the answer also shows on Your requests."""
    if not request.user.is_authenticated:
        return _contact_signed_out(request)
    return _contact_signed_in(request)


@not_for_kids
def _contact_signed_in(request: AppRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(
                account=request.user,
                category=form.cleaned_data["category"],
                message=form.cleaned_data["message"],
                profile=request.profile,
            )
        except services.TicketLimitReached as refused:
            form.add_error(None, refused.messages[0])
        except services.AlreadySent as repeat:
            messages.info(
                request,
                _("You already sent this as request #%(n)d: here it is. We will answer here.")
                % {"n": repeat.ticket.pk},
            )
            return redirect("support:request", ticket_id=repeat.ticket.pk)
        else:
            messages.success(
                request,
                _("Request #%(n)d sent. We will answer here and by e-mail.") % {"n": ticket.pk},
            )
            return redirect("support:request", ticket_id=ticket.pk)
    status = 400 if form.errors else 200
    return render(request, "support/contact.html", {"form": form}, status=status)


def _contact_signed_out(request: AppRequest) -> HttpResponse:
    form = SignedOutContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            ticket = services.signed_out_ticket_create(
                email=email,
                category=form.cleaned_data["category"],
                message=form.cleaned_data["message"],
                language=translation.get_language() or "",
                network=request.META.get("REMOTE_ADDR", ""),
            )
        except (services.TicketLimitReached, services.AlreadyOnItsWay) as refused:
            form.add_error(None, refused.messages[0])
        except services.AlreadySent as repeat:
            messages.info(
                request,
                _("You already sent this as request #%(n)d. We will answer by e-mail to %(email)s.")
                % {"n": repeat.ticket.pk, "email": repeat.ticket.email},
            )
            return redirect("support:index")
        else:
            messages.success(
                request,
                _("Request #%(n)d sent. We will answer by e-mail to %(email)s.")
                % {"n": ticket.pk, "email": ticket.email},
            )
            return redirect("support:index")
    status = 400 if form.errors else 200
    return render(request, "support/contact.html", {"form": form}, status=status)


@require_GET
@not_for_kids
def requests_list(request: AppRequest) -> HttpResponse:
    """Your requests: the account's own tickets, newest first, with their replies."""
    tickets = list(selectors.tickets_of(account=request.user))
    with timezone.override(viewer_zone(request.user)):
        return render(request, "support/requests.html", {"tickets": tickets})


@require_GET
@not_for_kids
def request_detail(request: AppRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_of(account=request.user, ticket_id=ticket_id)
    if ticket is None:
        raise Http404(_("There is no such request among yours."))
    with timezone.override(viewer_zone(request.user)):
        return render(request, "support/request.html", {"ticket": ticket})
