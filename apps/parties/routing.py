from django.urls import path

from apps.parties import consumers

websocket_urlpatterns = [
    path("ws/party/<str:token>/", consumers.PartyConsumer.as_asgi()),
]
