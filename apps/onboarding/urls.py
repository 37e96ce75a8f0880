from django.urls import path

from apps.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("", views.picks, name="picks"),
    path("pick/", views.pick, name="pick"),
    path("devices/", views.devices, name="devices"),
    path("skip/", views.skip, name="skip"),
]
