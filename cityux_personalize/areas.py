"""City areas in memory: each area's polygons parsed once and reloaded when areas change."""

from django.core.cache import cache

from .geo import GeoJSONError, area_for_point, parse_area_geometry

_CACHE_KEY = "cityux_personalize:areas:v1"


def compiled_areas():
    """((area id, polygons), ...) for every area with a valid outline (cached)."""
    areas = cache.get(_CACHE_KEY)
    if areas is None:
        from .models import CityArea

        areas = []
        for area_id, text in CityArea.objects.order_by("name").values_list("pk", "geojson"):
            try:
                areas.append((area_id, parse_area_geometry(text)))
            except GeoJSONError:
                continue  # saved before validation, or edited outside the admin: skip it
        areas = tuple(areas)
        cache.set(_CACHE_KEY, areas, 60 * 60)
    return areas


def forget_areas(**kwargs):
    cache.delete(_CACHE_KEY)


def area_id_at(lat, lon):
    """The id of the area containing the point, or None."""
    return area_for_point(compiled_areas(), lon, lat)
