"""Resume on any device: one-time codes that carry a form's draft and profile to another device.

A code is 8 characters of Crockford's base 32 (no I, L, O or U: nothing to confuse), so
32⁸ = 2⁴⁰ codes. Only a keyed hash (HMAC-SHA256 with the site's secret key) is stored, codes are
single-use and expire, and wrong entries are counted per client address (`cityux.clientip`)
and per visitor profile: after `RESUME_MAX_FAILURES` (per profile) or
`RESUME_MAX_FAILURES_PER_ADDRESS` (per address, higher because an office or a school shares one)
entry is locked for `RESUME_LOCKOUT_MINUTES`. With the defaults one address can try 20 codes in
15 minutes: finding one live code among 2⁴⁰ takes about 5 × 10¹¹ tries, some 700,000 years.

The counts are the core's shared lockout counters (`cityux.ratelimit`): in Redis with a Redis
broker, so the limit holds across server processes, and taken before a code is looked at, so
a burst of concurrent entries cannot have more than the limit evaluated.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cityux import ratelimit

from .conf import personalize_setting
from .models import ResumeCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
# Letters residents mistype for digits, read as Crockford's base 32 reads them.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def resume_setting(name):
    """A setting of the resume, my-data and goals features (see `conf.DEFAULTS`)."""
    return personalize_setting(name)


# -- codes (pure) -----------------------------------------------------------------------------


def code_bits(length=CODE_LENGTH, alphabet=ALPHABET):
    """How many bits of randomness a code carries."""
    return length * math.log2(len(alphabet))


def new_code():
    """A fresh random code, e.g. "7KQ2M9XD", from the operating system's secure generator."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code):
    """The code as residents read it: "7KQ2-M9XD"."""
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text):
    """The code a resident typed, in canonical form, or None if it cannot be one.

    Case, spaces and dashes do not matter, and O / I / L count as 0 / 1.
    """
    code = "".join((text or "").split()).replace("-", "").upper().translate(LOOKALIKES)
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def hash_code(code):
    """The stored form of a code: keyed, so a copy of the database alone cannot test codes."""
    return salted_hmac(
        "cityux_personalize.resume", code, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


# -- issuing and redeeming --------------------------------------------------------------------


class ResumeError(Exception):
    """A code that cannot be used; the message tells the resident what to do."""


@dataclass(frozen=True)
class IssuedCode:
    code: str
    resume_code: ResumeCode

    @property
    def display(self):
        return format_code(self.code)


def issue_code(profile, page=None, now=None):
    """A new one-time code for `profile` (and the form `page` to reopen)."""
    issued = (("resume-issued", profile.visitor_id, resume_setting("RESUME_CODES_PER_HOUR")),)
    if not ratelimit.take_attempt(issued, window_seconds=3600):
        raise ResumeError(_("You asked for many codes in a short time. Please wait an hour."))
    now = now or timezone.now()
    expires_at = now + timedelta(minutes=resume_setting("RESUME_CODE_MINUTES"))
    # A collision among 2⁴⁰ codes is very unlikely; retry rather than hand out a shared code.
    for _attempt in range(5):
        code = new_code()
        if not ResumeCode.objects.filter(code_hash=hash_code(code)).exists():
            break
    resume_code = ResumeCode.objects.create(
        code_hash=hash_code(code), profile=profile, page=page, created=now, expires_at=expires_at
    )
    return IssuedCode(code, resume_code)


def attempt_limits(address, visitor_id=None):
    """(scope, identity, wrong codes allowed) for a client address (and the entering visitor)."""
    limits = [("resume-address", address, resume_setting("RESUME_MAX_FAILURES_PER_ADDRESS"))]
    if visitor_id is not None:
        limits.append(("resume-visitor", str(visitor_id), resume_setting("RESUME_MAX_FAILURES")))
    return tuple(limits)


def _lockout_seconds():
    return 60 * resume_setting("RESUME_LOCKOUT_MINUTES")


def redeem_code(text, limits, now=None):
    """The ResumeCode that `text` names, marked used; raises ResumeError with the reason.

    Every identity of `limits` (see `attempt_limits`) is charged one attempt before the code is
    looked at, given back only if the code is used; while one is locked out, even the right code
    is refused.
    """
    if not ratelimit.take_attempt(limits, _lockout_seconds()):
        raise ResumeError(
            _("Too many wrong codes were entered. Please try again in %(minutes)d minutes.")
            % {"minutes": resume_setting("RESUME_LOCKOUT_MINUTES")}
        )
    code = normalize_code(text)
    if code is None:
        raise ResumeError(
            _("A code has 8 letters and digits, like 7KQ2-M9XD. Please check it and try again.")
        )
    now = now or timezone.now()
    refusal = None
    with transaction.atomic():
        resume_code = (
            ResumeCode.objects.select_for_update().filter(code_hash=hash_code(code)).first()
        )
        if resume_code is None:
            refusal = _("This code is not right. Please check it and try again.")
        elif resume_code.used_at is not None:
            refusal = _("This code was already used. Ask for a new code on your other device.")
        elif resume_code.expires_at <= now:
            refusal = _("This code has expired. Ask for a new code on your other device.")
        else:
            resume_code.used_at = now
        if resume_code is not None:
            resume_code.attempts += 1
            resume_code.save(update_fields=["attempts", "used_at"])
    if refusal is not None:
        raise ResumeError(refusal)
    ratelimit.give_back(limits, _lockout_seconds())
    return resume_code


# -- profiles joined: by a code, or by signing in -----------------------------------------------


def switch_request_profile(request, merged_visitor_id):
    """After this request's profile was merged: load the one kept, so the cookie follows it."""
    from .conf import VISITOR_COOKIE
    from .profiles import get_profile

    request.COOKIES[VISITOR_COOKIE] = str(merged_visitor_id)
    request.__dict__.pop("_cityux_profile_state", None)
    return get_profile(request)


def join_profiles(request, keep, other):
    """Merge this device's profile `other` into `keep` and continue the request as `keep`."""
    from .models import VisitorProfile
    from .profiles import merge_profiles

    for _hop in range(5):  # the code's profile may itself have joined another since
        if keep.merged_into_id is None:
            break
        keep = VisitorProfile.objects.get(pk=keep.merged_into_id)
    merge_profiles(keep, other)
    return switch_request_profile(request, other.visitor_id)


def merge_on_login(sender, request, user, **kwargs):
    """Signing in joins this device's anonymous profile to the account's profile."""
    from .models import VisitorProfile
    from .profiles import get_profile, personalization_allowed, profile_for_user

    if request is None or not personalization_allowed(request):
        return
    anonymous = get_profile(request)
    own = profile_for_user(user)
    if own is not None and own.pk != anonymous.pk:
        join_profiles(request, own, anonymous)
        return
    VisitorProfile.objects.filter(pk=anonymous.pk).update(user=user)
    state = getattr(request, "_cityux_profile_state", None)
    if state is not None:
        state["user_id"] = user.pk  # so the next write of the cached state keeps the link


def move_rows_on_merge(sender, keep, other, **kwargs):
    """`profiles_merged`: drafts, codes, exposures and conversions follow the profile kept."""
    from .drafts import move_drafts
    from .goals import move_measurements

    move_drafts(keep, other)
    move_measurements(keep, other)


def connect_signals():
    """Wire resume, login merge and goal receivers (idempotent; called from the app's ready)."""
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_delete, post_save

    from . import goals  # noqa: F401  (its survey_answered_yes receiver)
    from .models import Goal
    from .signals import profiles_merged

    user_logged_in.connect(merge_on_login, dispatch_uid="cityux-personalize-login-merge")
    profiles_merged.connect(move_rows_on_merge, dispatch_uid="cityux-personalize-merge-rows")
    for signal in (post_save, post_delete):
        signal.connect(goals.forget_goals, sender=Goal, dispatch_uid=f"cityux-goals-{signal!r}")
