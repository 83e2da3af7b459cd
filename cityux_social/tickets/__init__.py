"""Ticket backends (Open311 GeoReport v2, e-mail), the Ticket and Reply models and their tasks."""
