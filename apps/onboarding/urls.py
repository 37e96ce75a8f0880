from django.urls import path

from apps.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("onboarding/", views.picks, name="picks"),
    path("onboarding/pick/", views.pick, name="pick"),
    path("onboarding/devices/", views.devices, name="devices"),
    path("onboarding/skip/", views.skip, name="skip"),
]
