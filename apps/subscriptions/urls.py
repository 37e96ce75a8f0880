from django.urls import path

from apps.subscriptions import views

app_name = "subscriptions"
urlpatterns = [
    path("account/subscription/", views.overview, name="overview"),
    path("account/subscription/plans/", views.plans, name="plans"),
    path("account/subscription/checkout/<slug:plan_code>/", views.checkout, name="checkout"),
    path(
        "account/subscription/payments/<int:payment_id>/confirm/",
        views.challenge,
        name="challenge",
    ),
    path("account/subscription/change/<slug:plan_code>/", views.change, name="change"),
    path(
        "account/subscription/pending-change/cancel/",
        views.pending_change_cancel,
        name="pending_change_cancel",
    ),
    path("account/subscription/schedule/", views.schedule, name="schedule"),
    path("account/subscription/postpone/", views.postpone, name="postpone"),
    path("account/subscription/cancel/", views.cancel, name="cancel"),
    path("account/subscription/resume/", views.resume, name="resume"),
    path("account/subscription/free/", views.switch_to_free, name="free"),
    path("account/subscription/withdraw/", views.withdraw, name="withdraw"),
    path("account/subscription/student/", views.student, name="student"),
    path("account/subscription/pay-now/", views.pay_now, name="pay_now"),
    path("account/subscription/payment-methods/", views.payment_methods, name="payment_methods"),
    path(
        "account/subscription/payment-methods/<int:method_id>/default/",
        views.payment_method_default,
        name="payment_method_default",
    ),
    path(
        "account/subscription/payment-methods/<int:method_id>/remove/",
        views.payment_method_remove,
        name="payment_method_remove",
    ),
    path("account/subscription/invoices/", views.invoices, name="invoices"),
    path("account/subscription/invoices/<str:number>/", views.invoice, name="invoice"),
    path(
        "account/subscription/invoices/<str:number>/download/",
        views.invoice_download,
        name="invoice_download",
    ),
    path("account/subscription/members/", views.members, name="members"),
    path(
        "account/subscription/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "account/subscription/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("account/subscription/leave/", views.membership_leave, name="leave"),
    path("account/subscription/join/<str:token>/", views.join, name="join"),
]
