"""Editors preview a page as any segment: a mixin for page models with personalised blocks."""

from django.utils.translation import gettext as _

from .rules import SegmentMatch

MODE_PREFIX = "segment-"


class SegmentPreviewMixin:
    """Adds one Wagtail preview mode per segment (drafts included) to a page model."""

    @property
    def preview_modes(self):
        from .models import Segment

        modes = [("", _("Default content (visitors without personalisation)"))]
        for pk, name in Segment.objects.order_by("name").values_list("pk", "name"):
            modes.append((f"{MODE_PREFIX}{pk}", _("As a visitor in “%(name)s”") % {"name": name}))
        return modes

    def serve_preview(self, request, mode_name):
        request._cityux_preview_segments = preview_matches(mode_name)
        return super().serve_preview(request, mode_name)


def preview_matches(mode_name):
    """The segment matches a preview mode stands for ([] for the default mode)."""
    from .models import Segment

    if not mode_name.startswith(MODE_PREFIX):
        return []
    segment = Segment.objects.filter(pk=mode_name.removeprefix(MODE_PREFIX)).first()
    if segment is None:
        return []
    return [
        SegmentMatch(
            segment_id=segment.pk,
            name=segment.name,
            in_holdout=False,
            explanation=_("This is an editor's preview for visitors in “%(name)s”.")
            % {"name": segment.name},
        )
    ]
