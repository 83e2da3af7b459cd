"""Resident-facing URLs of cityux_personalize, included under `/cityux/` by the site's urls.py."""

app_name = "cityux_personalize"
urlpatterns = []
