"""Reading a public endpoint's JSON body: one msgspec struct per shape, errors that name the field.

Every resident-facing endpoint that takes JSON declares its body as a msgspec struct (see
`cityux_analytics/schema.py` for the tracker's) and decodes it here, so hostile input (broken
JSON, invalid UTF-8, deep nesting, huge numbers, wrong types, unknown keys) always becomes a
`WireError` whose message says which field is wrong, and the view answers 400::

    _decoder = msgspec.json.Decoder(DraftBody)

    try:
        draft = decode(_decoder, request.body)
    except WireError as error:
        return JsonResponse({"error": str(error)}, status=400)
"""

import re

import msgspec

_AT = re.compile(r"^(?P<what>.*) - at `\$\.?(?P<where>.*)`$")


class WireError(ValueError):
    """A body that breaks its wire format; the message says which field and why."""


def decode(decoder, body, what="request"):
    """`body` (bytes) decoded by the msgspec `decoder`, or WireError saying what is wrong."""
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as error:
        found = _AT.match(str(error))
        if found is None:
            raise WireError(f"{what}: {error}") from None
        raise WireError(f"{found['where'] or what}: {found['what']}") from None
    except msgspec.DecodeError as error:
        raise WireError(f"{what} is not valid JSON: {error}") from None
    except RecursionError:
        raise WireError(f"{what} is nested too deeply") from None
    except ValueError as error:  # e.g. an integer too long for Python to convert
        raise WireError(f"{what} is not valid JSON: {error}") from None
