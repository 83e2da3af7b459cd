"""Replay URLs.

The upload endpoint: `path("cityux/replay/", include("cityux_analytics.replay.urls"))`.
The admin player (`admin_urlpatterns`) is mounted under `/admin/cityux/replays/` by
`hooks.register`.
"""

from django.urls import path

from . import views

app_name = "cityux_replay"
urlpatterns = [
    path("", views.upload_replay, name="upload"),
]

admin_urlpatterns = [
    path("<int:session_id>/", views.replay_player, name="player"),
    path("<int:session_id>/events.json", views.replay_events, name="events"),
]
