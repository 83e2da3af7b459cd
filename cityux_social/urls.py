"""Resident-facing URLs of cityux_social, included under `/cityux/` by the site's urls.py."""

app_name = "cityux_social"
urlpatterns = []
