from django.urls import path

from apps.parties import views

app_name = "parties"
urlpatterns = [
    path("new/", views.create, name="create"),
    path("join/<str:token>/", views.join, name="join"),
    path("<id:party_id>/", views.party, name="party"),
    path("<id:party_id>/revoke/", views.revoke, name="revoke"),
    path("<id:party_id>/end/", views.end, name="end"),
    path("<id:party_id>/control/", views.control, name="control"),
    path(
        "<id:party_id>/members/<id:member_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("<id:party_id>/leave/", views.leave, name="leave"),
    path("<id:party_id>/watch/", views.watch, name="watch"),
    path("<id:party_id>/voice/", views.voice_upload, name="voice_upload"),
    path("<id:party_id>/voice/<id:voice_id>/", views.voice, name="voice"),
]
