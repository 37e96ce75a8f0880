from django.urls import path

from apps.parties import views

app_name = "parties"
urlpatterns = [
    path("new/", views.create, name="create"),
    path("join/<str:token>/", views.join, name="join"),
    path("<int:party_id>/", views.party, name="party"),
    path("<int:party_id>/revoke/", views.revoke, name="revoke"),
    path("<int:party_id>/end/", views.end, name="end"),
    path("<int:party_id>/control/", views.control, name="control"),
    path(
        "<int:party_id>/members/<int:member_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("<int:party_id>/leave/", views.leave, name="leave"),
    path("<int:party_id>/watch/", views.watch, name="watch"),
    path("<int:party_id>/voice/", views.voice_upload, name="voice_upload"),
    path("<int:party_id>/voice/<int:voice_id>/", views.voice, name="voice"),
]
