from django.urls import path

from apps.playback import views

app_name = "playback"
urlpatterns = [
    path("title/<id:title_id>/", views.watch_title, name="watch_title"),
    path("episode/<id:episode_id>/", views.watch_episode, name="watch_episode"),
    path("title/<id:title_id>/progress/", views.progress_title, name="progress_title"),
    path(
        "episode/<id:episode_id>/progress/",
        views.progress_episode,
        name="progress_episode",
    ),
    path("preferences/", views.preferences, name="preferences"),
    path("continue/undo/", views.continue_undo, name="continue_undo"),
    path("continue/<id:title_id>/remove/", views.continue_remove, name="continue_remove"),
    path("downloads/", views.downloads_page, name="downloads"),
    path("downloads/title/<id:title_id>/", views.download_title, name="download_title"),
    path("downloads/episode/<id:episode_id>/", views.download_episode, name="download_episode"),
    path("downloads/<id:download_id>/delete/", views.download_delete, name="download_delete"),
    path("downloads/<id:download_id>/play/", views.download_play, name="download_play"),
]
