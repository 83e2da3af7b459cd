"""Replay URLs.

The upload endpoint, included by `cityux_analytics.urls` under `replay/`
(`cityux_analytics:replay:upload`).
The admin views (`admin_urlpatterns`: the list, "sessions worth watching", the player and its
feedback) are mounted under `/admin/cityux/replays/` by `hooks.register`.
"""

from django.urls import path

from ..worth.views import WorthWatchingView
from . import views
from .listing import ReplayListView

app_name = "replay"
# The admin views' namespace (see wagtail_hooks.py).
ADMIN_NAMESPACE = "cityux_replays"
urlpatterns = [
    path("", views.upload_replay, name="upload"),
]

admin_urlpatterns = [
    path("", ReplayListView.as_view(), name="list"),
    path("results/", ReplayListView.as_view(results_only=True), name="list_results"),
    path("worth/", WorthWatchingView.as_view(), name="worth"),
    path("worth/results/", WorthWatchingView.as_view(results_only=True), name="worth_results"),
    path("<int:session_id>/", views.replay_player, name="player"),
    path("<int:session_id>/events.json", views.replay_events, name="events"),
    path("<int:session_id>/feedback/", views.replay_feedback, name="feedback"),
]
