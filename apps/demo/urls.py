from django.urls import path

from apps.demo import views

app_name = "demo"
urlpatterns = [
    path("", views.guide, name="guide"),
    path("login/<slug:key>/", views.persona_login, name="login"),
    path("clock/set/", views.clock_set, name="clock_set"),
    path("clock/advance/", views.clock_advance, name="clock_advance"),
    path("clock/reset/", views.clock_reset, name="clock_reset"),
    path("jobs/run/", views.jobs_run, name="jobs_run"),
    path("restore/", views.restore, name="restore"),
    path("runs/<id:pk>/", views.run_progress, name="run_progress"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<id:pk>/", views.outbox_message, name="outbox_message"),
    path("outbox/<id:pk>/html/", views.outbox_message_html, name="outbox_message_html"),
]
