"""City areas as GeoJSON polygons: validation and point-in-polygon by ray casting (pure)."""

import json

MAX_GEOJSON_CHARS = 500_000


class GeoJSONError(ValueError):
    """The text is not a GeoJSON polygon an area can use; the message says why, in plain words."""


def parse_area_geometry(text):
    """The polygons of a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.

    Returns a tuple of polygons; a polygon is a tuple of rings (outer first, then holes); a ring
    is a tuple of (longitude, latitude) pairs. Raises GeoJSONError with a clear message.
    """
    if len(text) > MAX_GEOJSON_CHARS:
        raise GeoJSONError(f"The GeoJSON is longer than {MAX_GEOJSON_CHARS:,} characters.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise GeoJSONError(
            f"This is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    polygons = tuple(_polygons(data))
    if not polygons:
        raise GeoJSONError("The GeoJSON has no polygon.")
    return polygons


def _polygons(data):
    if not isinstance(data, dict) or "type" not in data:
        raise GeoJSONError('GeoJSON must be an object with a "type", e.g. "Polygon".')
    kind = data["type"]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise GeoJSONError('A FeatureCollection needs a "features" list.')
        for feature in features:
            yield from _polygons(feature)
    elif kind == "Feature":
        yield from _polygons(data.get("geometry"))
    elif kind == "Polygon":
        yield _polygon(data.get("coordinates"))
    elif kind == "MultiPolygon":
        coordinates = data.get("coordinates")
        if not isinstance(coordinates, list):
            raise GeoJSONError('A MultiPolygon needs "coordinates": a list of polygons.')
        for polygon in coordinates:
            yield _polygon(polygon)
    else:
        raise GeoJSONError(
            f"“{kind}” is not an area: use a Polygon or MultiPolygon (or a Feature holding one)."
        )


def _polygon(rings):
    if not isinstance(rings, list) or not rings:
        raise GeoJSONError("A polygon needs a list of rings: the outline, then any holes.")
    return tuple(_ring(ring) for ring in rings)


def _ring(ring):
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeoJSONError(
            "Each ring needs at least 4 positions (a closed outline repeats its first point)."
        )
    points = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)
        ):
            raise GeoJSONError(f"{position!r} is not a [longitude, latitude] position.")
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeoJSONError(
                f"[{lon}, {lat}] is outside the globe: GeoJSON puts longitude first, then latitude."
            )
        points.append((lon, lat))
    if points[0] != points[-1]:
        raise GeoJSONError("A ring must be closed: its last position must repeat its first.")
    return tuple(points)


def point_in_ring(lon, lat, ring):
    """Ray casting: True if the point lies inside the closed ring (edges count as inside)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if _on_segment(lon, lat, x1, y1, x2, y2):
            return True
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _on_segment(px, py, x1, y1, x2, y2):
    cross = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)
    if abs(cross) > 1e-12:
        return False
    return min(x1, x2) <= px <= max(x1, x2) and min(y1, y2) <= py <= max(y1, y2)


def point_in_polygon(lon, lat, polygon):
    """Inside the outer ring and not strictly inside any hole."""
    outer, *holes = polygon
    if not point_in_ring(lon, lat, outer):
        return False
    return not any(point_in_ring(lon, lat, hole) and not _on_ring(lon, lat, hole) for hole in holes)


def _on_ring(lon, lat, ring):
    return any(_on_segment(lon, lat, *a, *b) for a, b in zip(ring, ring[1:], strict=False))


def area_for_point(areas, lon, lat):
    """The first of `areas` ((key, polygons) pairs) that contains the point, or None."""
    for key, polygons in areas:
        if any(point_in_polygon(lon, lat, polygon) for polygon in polygons):
            return key
    return None
