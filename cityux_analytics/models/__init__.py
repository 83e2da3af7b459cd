"""The cityux_analytics models, one module per job; every model is importable from here.

- sessions: tracked sessions, received batches, page views and raw events
- signals: signal kinds and the frustration signals detection stores
- rollups: the daily counts per page, department and element that reports read
- element_names: what a page calls its elements
- batches: the spool and the dead-lettered batches
- replay, surveys and worth keep their models next to their code (imported here so Django
  finds them in this app).
"""

from ..replay.models import ReplayChunk, ReplayFeedback
from ..surveys.models import (
    Survey,
    SurveyDailyStats,
    SurveyPageTarget,
    SurveyResponse,
    SurveyTrigger,
)
from ..worth.models import WorthModel
from .batches import BatchSource, DeadLetteredBatch, SpooledBatch
from .element_names import ElementName
from .rollups import DepartmentDailyStats, ElementDailyStats, PageDailyStats, SignalCounts
from .sessions import PAGE_MODEL, OnPage, PageView, RawEvent, ReceivedBatch, TrackedSession
from .signals import FrustrationSignal, SignalKind

__all__ = [
    "PAGE_MODEL",
    "BatchSource",
    "DeadLetteredBatch",
    "DepartmentDailyStats",
    "ElementDailyStats",
    "ElementName",
    "FrustrationSignal",
    "OnPage",
    "PageDailyStats",
    "PageView",
    "RawEvent",
    "ReceivedBatch",
    "ReplayChunk",
    "ReplayFeedback",
    "SignalCounts",
    "SignalKind",
    "SpooledBatch",
    "Survey",
    "SurveyDailyStats",
    "SurveyPageTarget",
    "SurveyResponse",
    "SurveyTrigger",
    "TrackedSession",
    "WorthModel",
]
