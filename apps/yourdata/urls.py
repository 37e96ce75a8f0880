# "Your data" lives under account/ (data/ and delete/), next to the account page.
from django.urls import path

from apps.yourdata import views

app_name = "yourdata"
urlpatterns = [
    path("account/data/", views.your_data, name="page"),
    path("account/data/switch/", views.switch, name="switch"),
    path("account/data/forget/<id:title_id>/", views.forget_title, name="forget_title"),
    path("account/data/picks/clear/", views.clear_picks, name="clear_picks"),
    path("account/data/export/", views.export, name="export"),
    path("account/data/export/readable/", views.export_readable, name="export_readable"),
    path("account/delete/", views.account_delete, name="delete"),
]
