from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_204(request):
    """The baseline: a Django view that does nothing but answer 204."""
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/bare/", bare_204),
    path("", include("cityux.site.urls")),
]
