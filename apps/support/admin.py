"""Contact requests in the admin: read the message, reply (e-mailed once to its author and
shown on their "Your requests" page), close. The message itself cannot be edited, and replies
go through `services.ticket_reply`, never a plain save, so each one is e-mailed."""

from django.contrib import admin, messages
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core import clock
from apps.support import services
from apps.support.models import Ticket, TicketReply


class ReplyHistoryInline(admin.StackedInline):
    """The replies already sent (read-only: an e-mail cannot be taken back)."""

    model = TicketReply
    extra = 0
    can_delete = False
    fields = ["body", "created_at", "mail_sent_at"]
    readonly_fields = fields
    verbose_name = _("reply sent")
    verbose_name_plural = _("replies sent")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NewReplyFormSet(BaseInlineFormSet):
    """Marks the new-reply box apart from the history (both are TicketReply formsets)."""


class NewReplyInline(admin.StackedInline):
    """One empty box: type a reply and save to send it."""

    model = TicketReply
    formset = NewReplyFormSet
    extra = 1
    max_num = 1
    can_delete = False
    fields = ["body"]
    # With max_num 1 the admin heads the box with the singular.
    verbose_name = _("reply to the viewer (e-mailed when you save)")
    verbose_name_plural = verbose_name

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None) -> bool:
        return True


class SignedInFilter(admin.SimpleListFilter):
    title = _("sent")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("in", _("signed in")), ("out", _("signed out"))]

    def queryset(self, request, queryset):
        if self.value() == "in":
            return queryset.filter(account__isnull=False)
        if self.value() == "out":
            return queryset.filter(account__isnull=True)
        return queryset


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "sender", "category", "status", "created_at", "reply_count"]
    list_filter = ["status", "category", SignedInFilter]
    search_fields = ["account__email", "email", "message"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    fields = ["sender", "category", "message", "status", "created_at", "updated_at"]
    readonly_fields = ["sender", "category", "message", "created_at", "updated_at"]
    inlines = [ReplyHistoryInline, NewReplyInline]
    actions = ["close"]

    def has_add_permission(self, request) -> bool:
        return False  # requests come from viewers

    @admin.display(description=_("from"), ordering="account__email")
    def sender(self, obj) -> str:
        if obj.account_id is not None:
            return str(obj.account)
        return _("%(email)s (signed out, not verified)") % {"email": obj.email}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, object_id)
        if request.method == "GET" and ticket is not None and ticket.account_id is None:
            self.message_user(
                request,
                _(
                    "Sent signed out: nobody has checked that %(email)s is the sender's. Answer "
                    "the question, but share nothing about an account (plan, payments, "
                    "history): ask them to sign in and write again for that."
                )
                % {"email": ticket.email},
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reply_count=Count("replies"))

    @admin.display(description=_("replies"), ordering="reply_count")
    def reply_count(self, obj) -> int:
        return obj.reply_count

    def save_model(self, request, obj, form, change):
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not TicketReply:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these; replies are saved by the service below.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not isinstance(formset, NewReplyFormSet):
            return None  # the history is read-only
        ticket = form.instance
        closing = "status" in form.changed_data and ticket.status == Ticket.Status.CLOSED
        for reply_form in formset.forms:
            body = (reply_form.cleaned_data or {}).get("body", "").strip()
            if body:
                formset.new_objects.append(services.ticket_reply(ticket=ticket, body=body))
                self.message_user(
                    request, _("Reply saved; it is e-mailed to the viewer."), messages.SUCCESS
                )
        if closing:
            services.tickets_close(ticket_ids=[ticket.pk])
        return None

    @admin.action(description=_("Close the selected requests"))
    def close(self, request, queryset):
        done = services.tickets_close(ticket_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d request closed.", "%(n)d requests closed.", done) % {"n": done},
            messages.SUCCESS,
        )
