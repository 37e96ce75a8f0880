from django.urls import path

from apps.demo import views

app_name = "demo"
urlpatterns = [
    path("demo/", views.guide, name="guide"),
    path("demo/login/<slug:key>/", views.persona_login, name="login"),
    path("demo/clock/set/", views.clock_set, name="clock_set"),
    path("demo/clock/advance/", views.clock_advance, name="clock_advance"),
    path("demo/clock/reset/", views.clock_reset, name="clock_reset"),
    path("demo/jobs/run/", views.jobs_run, name="jobs_run"),
    path("demo/restore/", views.restore, name="restore"),
    path("demo/runs/<int:pk>/", views.run_progress, name="run_progress"),
    path("demo/outbox/", views.outbox, name="outbox"),
    path("demo/outbox/<int:pk>/", views.outbox_message, name="outbox_message"),
    path("demo/outbox/<int:pk>/html/", views.outbox_message_html, name="outbox_message_html"),
]
