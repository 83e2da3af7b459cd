"""Admin URLs of the inbox, under `/admin/cityux/social/inbox/` (see hooks.py)."""

from django.urls import path

from .views import BulkActionView, InboxView, NeedsReviewView, PostView, ReplyLogView

app_name = "cityux_social_inbox"

urlpatterns = [
    path("", InboxView.as_view(), name="index"),
    path("results/", InboxView.as_view(results_only=True), name="index_results"),
    path("review/", NeedsReviewView.as_view(), name="review"),
    path("review/results/", NeedsReviewView.as_view(results_only=True), name="review_results"),
    path("replies/", ReplyLogView.as_view(), name="replies"),
    path("replies/results/", ReplyLogView.as_view(results_only=True), name="replies_results"),
    path("bulk/", BulkActionView.as_view(), name="bulk"),
    path("<int:pk>/", PostView.as_view(), name="post"),
]
