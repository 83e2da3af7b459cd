"""City areas: GeoJSON validation with clear errors, and point-in-polygon by ray casting."""

import json

import pytest

from cityux_personalize.geo import (
    GeoJSONError,
    area_for_point,
    parse_area_geometry,
    point_in_polygon,
)

SQUARE = (((0, 0), (10, 0), (10, 10), (0, 10), (0, 0)),)
# A "U" shape: the notch between x 4..6 above y 3 is outside.
U_SHAPE = (((0, 0), (10, 0), (10, 10), (6, 10), (6, 3), (4, 3), (4, 10), (0, 10), (0, 0)),)
WITH_HOLE = (
    ((0, 0), (10, 0), (10, 10), (0, 10), (0, 0)),
    ((4, 4), (6, 4), (6, 6), (4, 6), (4, 4)),
)


def test_point_inside_a_square_is_inside():
    assert point_in_polygon(5, 5, SQUARE)


def test_point_outside_a_square_is_outside():
    assert not point_in_polygon(11, 5, SQUARE)
    assert not point_in_polygon(5, -0.1, SQUARE)


def test_point_on_the_edge_or_a_corner_counts_as_inside():
    assert point_in_polygon(10, 5, SQUARE)
    assert point_in_polygon(0, 0, SQUARE)


def test_concave_polygon_excludes_its_notch():
    assert not point_in_polygon(5, 8, U_SHAPE)
    assert point_in_polygon(2, 8, U_SHAPE)
    assert point_in_polygon(5, 1, U_SHAPE)


def test_point_in_a_hole_is_outside():
    assert not point_in_polygon(5, 5, WITH_HOLE)
    assert point_in_polygon(2, 2, WITH_HOLE)


def test_ray_through_a_vertex_is_counted_once():
    diamond = (((0, -5), (5, 0), (0, 5), (-5, 0), (0, -5)),)
    assert point_in_polygon(-1, 0, diamond)
    assert not point_in_polygon(-6, 0, diamond)


def test_area_for_point_returns_the_containing_area():
    east = (((10, 0), (20, 0), (20, 10), (10, 10), (10, 0)),)
    areas = [("west", (SQUARE,)), ("east", (east,))]
    assert area_for_point(areas, 15, 5) == "east"
    assert area_for_point(areas, 5, 5) == "west"
    assert area_for_point(areas, 25, 5) is None


def polygon_text(ring):
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def test_polygon_feature_and_multipolygon_are_accepted():
    ring = [[-90.25, 38.6], [-90.2, 38.6], [-90.2, 38.64], [-90.25, 38.6]]
    assert len(parse_area_geometry(polygon_text(ring))) == 1
    feature = {"type": "Feature", "properties": {}, "geometry": json.loads(polygon_text(ring))}
    assert len(parse_area_geometry(json.dumps(feature))) == 1
    multi = {"type": "MultiPolygon", "coordinates": [[ring], [ring]]}
    assert len(parse_area_geometry(json.dumps(multi))) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "This is not valid JSON (line 1, column 2"),
        ('{"type": "Point", "coordinates": [1, 2]}', "“Point” is not an area"),
        ('{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}', "at least 4 positions"),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}',
            "must be closed",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[38.6, -190], [1, 0], [1, 1], [38.6, -190]]]}',
            "longitude first",
        ),
        (
            '{"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]}',
            "is not a [longitude, latitude]",
        ),
        ('{"type": "FeatureCollection", "features": []}', "has no polygon"),
        ("[]", 'must be an object with a "type"'),
    ],
)
def test_bad_geojson_gets_a_clear_message(text, message):
    with pytest.raises(GeoJSONError) as error:
        parse_area_geometry(text)
    assert message in str(error.value)
