"""Every model of cityux_personalize: profiles, segments, areas, questionnaires, drafts, goals."""

from .areas import CityArea
from .drafts import FormDraft, ResumeCode  # noqa: F401, I001
from .goals import Conversion, Exposure, Goal  # noqa: F401
from .profiles import DeviceClass, VisitorProfile
from .questionnaires import Questionnaire
from .segments import MatchMode, Segment

__all__ = ["CityArea", "DeviceClass", "MatchMode", "Questionnaire", "Segment", "VisitorProfile"]
