from django.urls import path

from apps.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("genre/<slug:slug>/", views.genre_detail, name="genre"),
    path("search/", views.search, name="search"),
]
