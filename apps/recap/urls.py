from django.urls import path

from apps.recap import views

app_name = "recap"
urlpatterns = [
    path("", views.year_page, name="year"),
    path("share/", views.share_create, name="share"),
    path("share/<id:share_id>/revoke/", views.share_revoke, name="revoke"),
    path("image/<slug:key>/<slug:size>.png", views.own_image, name="image"),
    path("shared/<str:token>/", views.shared_page, name="shared"),
    path("shared/<str:token>/<slug:key>/<slug:size>.png", views.shared_image, name="shared_image"),
]
