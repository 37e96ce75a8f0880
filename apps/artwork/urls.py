# The curators' pages live in the admin (apps/artwork/admin.py); viewers' browsers report here
# which cards were actually seen (only those are impressions).
from django.urls import path

from apps.artwork import views

app_name = "artwork"
urlpatterns = [
    path("seen/", views.seen, name="seen"),
]
