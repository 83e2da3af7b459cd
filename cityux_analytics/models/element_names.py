"""Element names: what a page calls its buttons and links, for reports in people's words."""

import hashlib

from django.db import models


class ElementName(models.Model):
    """What an element of a page is called in the page's own words, as a tracker last read it.

    Page content, not a visitor's data: the tracker never names a form field's text, masked
    text or a page about the resident (see tracker.js). One row per page address and selector,
    found by `key` (both are too long to index together).
    """

    key = models.CharField(max_length=64, unique=True)
    url = models.CharField(max_length=2048)
    selector = models.CharField(max_length=512)
    role = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=60, blank=True)
    context = models.CharField(max_length=60, blank=True)
    context_role = models.CharField(max_length=16, blank=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return self.name or self.selector

    @staticmethod
    def key_of(url, selector):
        return hashlib.sha256(f"{url}\n{selector}".encode()).hexdigest()
