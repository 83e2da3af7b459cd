"""Connectors: one class per kind of source, behind the small interface in `base.py`."""

from .base import Connector, FetchFailed, IncomingPost, ReplyFailed, connector_for

__all__ = ["Connector", "FetchFailed", "IncomingPost", "ReplyFailed", "connector_for"]
