"""Admin URLs of Collect health, under `/admin/cityux/collect-health/` (see wagtail_hooks)."""

from django.urls import path

from .views.collect_health import CollectHealthView, retry

app_name = "cityux_analytics_collect_health"
urlpatterns = [
    path("", CollectHealthView.as_view(), name="index"),
    path("results/", CollectHealthView.as_view(results_only=True), name="index_results"),
    path("retry/", retry, name="retry"),
]
