from django.urls import path

from apps.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.rating_list, name="list"),
    path("undo/", views.rating_undo, name="undo"),
    path("<id:title_id>/", views.rating_set, name="set"),
]
