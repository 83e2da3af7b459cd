"""City areas (neighbourhoods) that editors draw as GeoJSON polygons."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..geo import GeoJSONError, parse_area_geometry


class CityArea(models.Model):
    name = models.CharField(_("name"), max_length=100, help_text=_('E.g. "Riverside".'))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    geojson = models.TextField(
        _("GeoJSON outline"),
        help_text=_(
            "A GeoJSON Polygon or MultiPolygon (or a Feature holding one), longitude first, e.g. "
            "exported from geojson.io. Residents who share their location are matched to it."
        ),
    )

    class Meta:
        verbose_name = _("city area")
        verbose_name_plural = _("city areas")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        try:
            parse_area_geometry(self.geojson)
        except GeoJSONError as error:
            raise ValidationError({"geojson": str(error)}) from None

    @property
    def polygons(self):
        return parse_area_geometry(self.geojson)
