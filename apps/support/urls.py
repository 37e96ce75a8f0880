from django.urls import path

from apps.support import views

app_name = "support"
urlpatterns = [
    path("", views.help_index, name="index"),
    path("contact/", views.contact, name="contact"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<id:ticket_id>/", views.request_detail, name="request"),
    path("<slug:slug>/", views.article, name="article"),
]
