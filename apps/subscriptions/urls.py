from django.urls import path

from apps.subscriptions import views

app_name = "subscriptions"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("plans/", views.plans, name="plans"),
    path("checkout/<slug:plan_code>/", views.checkout, name="checkout"),
    path(
        "payments/<id:payment_id>/confirm/",
        views.challenge,
        name="challenge",
    ),
    path("change/<slug:plan_code>/", views.change, name="change"),
    path(
        "pending-change/cancel/",
        views.pending_change_cancel,
        name="pending_change_cancel",
    ),
    path("schedule/", views.schedule, name="schedule"),
    path("postpone/", views.postpone, name="postpone"),
    path("cancel/", views.cancel, name="cancel"),
    path("cancel/options/", views.cancel_options, name="cancel_options"),
    path("cancel/alternative/", views.cancel_alternative, name="cancel_alternative"),
    path("cancel/done/", views.cancelled, name="cancelled"),
    path("resume/", views.resume, name="resume"),
    path("free/", views.switch_to_free, name="free"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("student/", views.student, name="student"),
    path("pay-now/", views.pay_now, name="pay_now"),
    path("payment-methods/", views.payment_methods, name="payment_methods"),
    path(
        "payment-methods/<id:method_id>/default/",
        views.payment_method_default,
        name="payment_method_default",
    ),
    path(
        "payment-methods/<id:method_id>/remove/",
        views.payment_method_remove,
        name="payment_method_remove",
    ),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<str:number>/", views.invoice, name="invoice"),
    path("invoices/<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path(
        "invoices/<str:number>/download/",
        views.invoice_download,
        name="invoice_download",
    ),
    path("members/", views.members, name="members"),
    path(
        "members/<id:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "invitations/<id:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("leave/", views.membership_leave, name="leave"),
    path("join/<str:token>/", views.join, name="join"),
]
