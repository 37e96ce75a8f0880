from django.urls import path

from apps.browse import coming_views, views

app_name = "browse"
urlpatterns = [
    path("title/<slug:slug>/", views.title_detail, name="title"),
    path("genre/<slug:slug>/", views.genre_detail, name="genre"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("new/", views.new_popular, name="new_popular"),
    path("new/remind/<id:episode_id>/", views.remind_me, name="remind_me"),
    path("new/remind/title/<id:title_id>/", coming_views.remind_title, name="remind_title"),
    path("mix/", views.weekly_mix, name="weekly_mix"),
    path("mix/<str:week>/", views.weekly_mix, name="weekly_mix_week"),
    path("my-list/", views.my_list, name="my_list"),
    path("what-youd-miss/", views.what_youd_miss, name="what_youd_miss"),
    path("my-list/undo/", views.my_list_undo, name="my_list_undo"),
    path("my-list/<id:title_id>/", views.my_list_toggle, name="my_list_toggle"),
]
