"""Form drafts: what a consenting resident typed, kept so they can finish on any device.

Only fields a form page really has are kept, and never file uploads, passwords or hidden
fields (which may carry tokens): the browser script skips them too, the server decides.

The browser posts `{"fields": {name: value}}`, a `DraftBody` msgspec struct (`parse_draft`).
"""

import json
from typing import Any

import msgspec
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from cityux.wire import WireError, decode

from .models import FormDraft
from .resume import resume_setting

NEVER_KEPT_WIDGETS = (forms.FileInput, forms.PasswordInput, forms.HiddenInput)
MAX_VALUE_CHARS = 5_000
MAX_LIST_ITEMS = 100


class DraftError(ValueError):
    """A draft that cannot be kept; the message says why."""


class DraftTooLarge(DraftError):
    """A draft over DRAFT_MAX_BYTES."""


class DraftBody(msgspec.Struct, forbid_unknown_fields=True):
    # Values stay plain JSON until clean_draft, so an error can name the form field.
    fields: dict[str, Any]


_decoder = msgspec.json.Decoder(DraftBody)


def parse_draft(body):
    """The `fields` of a draft request's body (bytes), or DraftError saying what is wrong."""
    try:
        return decode(_decoder, body, what="draft").fields
    except WireError as error:
        raise DraftError(
            _('A draft is JSON: {"fields": {"name": "value"}}.') + f" ({error})"
        ) from None


def is_form_page(page):
    """Whether `page` is a Wagtail form page (anything built on AbstractForm)."""
    return callable(getattr(page, "get_form_class", None))


def draftable_fields(form_class):
    """Names of the fields of `form_class` that a draft may keep."""
    return {
        name
        for name, field in form_class.base_fields.items()
        if not isinstance(field.widget, NEVER_KEPT_WIDGETS)
        and not isinstance(field, forms.FileField)
    }


def form_page_fields(page):
    """draftable_fields of a form page's form; an empty set for other pages."""
    if not is_form_page(page):
        return set()
    return draftable_fields(page.get_form_class())


def clean_draft(raw, allowed, max_bytes):
    """The values of `raw` (a dict from the browser) worth keeping, checked and bounded.

    Unknown and never-kept fields are dropped; a value is a string or a list of strings
    (checkboxes, multiple choice) or true / false. Raises DraftError, naming the field, for a
    kept field's value of another type or with a NUL character; DraftTooLarge if the result is
    larger than `max_bytes` of JSON.
    """
    if not isinstance(raw, dict):
        raise DraftError(_("A draft is an object of field names and values."))
    data = {}
    for name, value in raw.items():
        if name not in allowed:
            continue
        if isinstance(value, str):
            value = value[:MAX_VALUE_CHARS]
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = [item[:MAX_VALUE_CHARS] for item in value[:MAX_LIST_ITEMS]]
        elif not isinstance(value, bool):
            raise DraftError(
                _("fields.%(name)s: a value is text, a list of texts, or true / false.")
                % {"name": name}
            )
        if "\x00" in str(value):  # PostgreSQL's JSON cannot store a NUL character
            raise DraftError(
                _("fields.%(name)s: contains a character that cannot be kept.") % {"name": name}
            )
        data[name] = value
    if len(json.dumps(data).encode()) > max_bytes:
        raise DraftTooLarge(
            _(
                "This draft is too long to keep (over %(bytes)d bytes); your answers are "
                "still in the form."
            )
            % {"bytes": max_bytes}
        )
    return data


def save_draft(profile, page, raw):
    """Keep (or replace) `profile`'s draft of form `page`; an empty draft deletes it."""
    data = clean_draft(raw, form_page_fields(page), resume_setting("DRAFT_MAX_BYTES"))
    if not any(value not in ("", [], False) for value in data.values()):
        FormDraft.objects.filter(profile=profile, page=page).delete()
        return None
    draft, _created = FormDraft.objects.update_or_create(
        profile=profile, page=page, defaults={"data": data, "updated": timezone.now()}
    )
    return draft


def draft_for(profile, page):
    """`profile`'s draft of `page`, or None."""
    if profile is None:
        return None
    return FormDraft.objects.filter(profile=profile, page=page).first()


def clear_draft(profile, page):
    """Forget `profile`'s draft of `page` (after the form was sent)."""
    if profile is not None:
        FormDraft.objects.filter(profile=profile, page=page).delete()


def move_drafts(keep, other):
    """Give `other`'s drafts and codes to `keep` (profiles merged); a page's newer draft wins."""
    for draft in FormDraft.objects.filter(profile=other):
        existing = FormDraft.objects.filter(profile=keep, page_id=draft.page_id).first()
        if existing is None:
            draft.profile = keep
            draft.save(update_fields=["profile"])
        elif draft.updated > existing.updated:
            existing.data, existing.updated = draft.data, draft.updated
            existing.save(update_fields=["data", "updated"])
            draft.delete()
        else:
            draft.delete()
    other.resume_codes.update(profile=keep)
