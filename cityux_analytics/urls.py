"""Every resident-facing endpoint of cityux_analytics, mounted once by the site's urls.py:

    path("cityux/", include("cityux_analytics.urls"))

URL names follow one scheme across the CityUX apps: the app's label is the namespace, and a
part of the app with its own endpoints is a namespace inside it (`cityux_analytics:collect`,
`cityux_analytics:surveys:active`, `cityux_analytics:replay:upload`).
"""

from django.urls import include, path

from .views.collect import collect

app_name = "cityux_analytics"
urlpatterns = [
    path("collect/", collect, name="collect"),
    path("surveys/", include("cityux_analytics.surveys.urls")),
    path("replay/", include("cityux_analytics.replay.urls")),
]
