from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CityUXPersonalizeConfig(AppConfig):
    name = "cityux_personalize"
    label = "cityux_personalize"
    verbose_name = _("CityUX personalisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import published, unpublished

        from cityux.admin import scope_by_department

        from . import checks, hub, mydata  # noqa: F401  (checks registers the system checks)
        from .areas import forget_areas
        from .models import CityArea, Goal, Questionnaire, Segment, VisitorProfile
        from .segments import segments_changed

        scope_by_department(Segment)
        scope_by_department(Goal)
        mydata.register_my_data()
        hub.register_sections()

        # Every process reloads its compiled segments when one is published, unpublished or
        # deleted, or when an area or questionnaire a segment names changes.
        segment_signals = {"published": published, "unpublished": unpublished}
        segment_signals["deleted"] = post_delete
        for name, signal in segment_signals.items():
            signal.connect(segments_changed, sender=Segment, dispatch_uid=f"cityux-segment-{name}")
        for model in (CityArea, Questionnaire):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                uid = f"cityux-segments-{model.__name__}-{name}"
                signal.connect(segments_changed, sender=model, dispatch_uid=uid)
                if model is CityArea:
                    signal.connect(forget_areas, sender=model, dispatch_uid=f"cityux-areas-{name}")
        # Drafts, codes, exposures and conversions follow a merged profile.
        from .resume import connect_signals

        connect_signals()
        post_delete.connect(
            _forget_deleted_profile, sender=VisitorProfile, dispatch_uid="cityux-forget-profile"
        )


def _forget_deleted_profile(sender, instance, **kwargs):
    from .profiles import forget_profile

    forget_profile(instance.visitor_id)
