"""GeoReport v2 on the wire, without HTTP or Django: formats, answers, errors and attributes.

Everything here is pure, so the client (`open311.py`), the accept form and the tests share one
reading of the spec:

- answers come as JSON or XML (the spec's required format); `parse_body` turns either into the
  same lists and dicts, XML through defusedxml (a city's server is not trusted to be harmless);
- error lists (`[{"code": 400, "description": "…"}]`, `<errors><error>…`) become one sentence;
- a service definition's attributes (string, number, datetime, text, singlevaluelist,
  multivaluelist) are read, validated and encoded as `attribute[code]=value`, repeated
  `attribute[code][]=value` for a multi-value list.
"""

import datetime
import math
from dataclasses import dataclass

from defusedxml import ElementTree

FORMATS = ("json", "xml")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
# XML containers whose children are list items (every other element with children is a dict).
XML_LISTS = {"services", "service_requests", "errors", "attributes", "values", "requests"}
XML_ROOTS = {"services", "service_definition", "service_requests", "errors", "requests"}


class GeoReportError(ValueError):
    """An answer that is not GeoReport v2 (unreadable JSON or XML)."""


def present(value):
    """Whether a field holds a value: `0` and `"0"` do, None and "" do not (no falsy tests)."""
    return value is not None and str(value).strip() != ""


def text_of(value):
    return str(value).strip() if present(value) else ""


def flag(value):
    """The spec's booleans: `true` in JSON, "true" in XML."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


# -- answers ----------------------------------------------------------------------------------


def _from_xml(element):
    children = list(element)
    if element.tag in XML_LISTS:
        return [_from_xml(child) for child in children]
    if not children:
        text = (element.text or "").strip()
        return text if text else None
    return {child.tag: _from_xml(child) for child in children}


def parse_xml(data):
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise GeoReportError(f"unreadable XML ({error})") from error
    except Exception as error:  # defusedxml refuses entities and DTDs: not a GeoReport answer
        raise GeoReportError(f"refused XML ({type(error).__name__})") from error
    if root.tag not in XML_ROOTS:  # an HTML error page of a proxy, say
        raise GeoReportError(f"XML that is not GeoReport v2 (a {root.tag[:40]} document)")
    return _from_xml(root)


def parse_body(data, content_type=""):
    """The answer as lists and dicts, whether it came as JSON or XML (sniffed, then trusted)."""
    import json

    if isinstance(data, bytes):
        raw = data
        data = data.decode("utf-8", errors="replace")
    else:
        raw = data.encode()
    stripped = data.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise GeoReportError("an empty answer")
    if stripped.startswith("<") or "xml" in content_type.lower():
        return parse_xml(raw.lstrip(b"\xef\xbb\xbf \t\r\n"))
    try:
        return json.loads(stripped)
    except ValueError as error:
        raise GeoReportError("unreadable JSON") from error


def first_item(body):
    """The one element of a one-element answer list (or the answer itself)."""
    if isinstance(body, list):
        return body[0] if body else None
    return body


def error_details(body):
    """The descriptions of an error list, each with its code."""
    items = body if isinstance(body, list) else [body]
    details = []
    for item in items:
        if isinstance(item, dict) and present(item.get("description")):
            code = text_of(item.get("code"))
            description = text_of(item["description"])
            details.append(f"{description} ({code})" if code else description)
    return details


def error_message(status, body, *, posting=False):
    """A sentence staff can act on, from the HTTP status and the server's error list."""
    detail = "; ".join(error_details(body))
    if status == 403:
        lead = "The Open311 server refused the API key (403)"
    elif status == 404 and posting:
        lead = "The Open311 server found no such service code or jurisdiction (404)"
    elif status == 404:
        lead = "The Open311 server found nothing at this address (404)"
    elif status is not None and status >= 500:
        lead = f"The Open311 server failed ({status})"
    else:
        lead = f"The Open311 server rejected the request ({status})"
    return f"{lead}: {detail}" if detail else f"{lead}."


# -- service definitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """One attribute of a service definition."""

    code: str
    datatype: str
    description: str = ""
    datatype_description: str = ""
    required: bool = False
    variable: bool = True
    order: int = 0
    values: tuple = ()  # (key, name) pairs of a list

    @property
    def is_list(self):
        return self.datatype in ("singlevaluelist", "multivaluelist")

    @property
    def keys(self):
        return {key for key, _name in self.values}


def _order(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def parse_attributes(definition):
    """The attributes of a service definition (JSON or XML shape), in the server's order."""
    raw = definition.get("attributes") if isinstance(definition, dict) else None
    attributes = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not present(item.get("code")):
            continue
        values = item.get("values") if isinstance(item.get("values"), list) else []
        attributes.append(
            Attribute(
                code=text_of(item["code"]),
                datatype=text_of(item.get("datatype")).lower() or "string",
                description=text_of(item.get("description")),
                datatype_description=text_of(item.get("datatype_description")),
                required=flag(item.get("required")),
                variable=flag(item.get("variable", True)),
                order=_order(item.get("order")),
                values=tuple(
                    (text_of(v.get("key")), text_of(v.get("name")) or text_of(v.get("key")))
                    for v in values
                    if isinstance(v, dict) and present(v.get("key"))
                ),
            )
        )
    return sorted(attributes, key=lambda a: a.order)


def parse_w3c(text):
    """A W3C / ISO 8601 datetime with its offset, or None."""
    try:
        moment = datetime.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def w3c_datetime(moment):
    """The spec's date format (W3C, in UTC)."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_attribute(attribute, value):
    """(value to send, error or ""): lists stay lists for a multivaluelist."""
    if attribute.datatype == "multivaluelist":
        values = [text_of(v) for v in (value if isinstance(value, list | tuple) else [value])]
        values = [v for v in values if v]
        if not values:
            return [], "required" if attribute.required else ""
        unknown = [v for v in values if v not in attribute.keys]
        if unknown:
            return values, f"not one of the listed values: {', '.join(unknown)}"
        return values, ""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    value = text_of(value)
    if not value:
        return "", "required" if attribute.required else ""
    if attribute.datatype == "singlevaluelist" and value not in attribute.keys:
        return value, f"not one of the listed values: {value}"
    if attribute.datatype == "number":
        try:
            number = float(value)
        except ValueError:
            return value, "not a number"
        if not math.isfinite(number):
            return value, "not a number"
    if attribute.datatype == "datetime":
        moment = parse_w3c(value)
        if moment is None:
            return value, "not a date and time with its offset (e.g. 2026-12-05T08:30:00Z)"
        value = w3c_datetime(moment)
    return value, ""


def clean_attributes(attributes, values):
    """The values to send for `attributes` and the problems, by code ({} if none)."""
    cleaned, errors = {}, {}
    for attribute in attributes:
        if not attribute.variable:  # information shown to the reporter, nothing to answer
            continue
        value, error = clean_attribute(attribute, values.get(attribute.code))
        if error:
            errors[attribute.code] = error
        elif value not in ("", []):
            cleaned[attribute.code] = value
    return cleaned, errors


def describe_attribute_errors(attributes, errors):
    names = {a.code: a.description or a.code for a in attributes}
    return "; ".join(f"{names.get(code, code)}: {error}" for code, error in errors.items())


def attribute_pairs(values):
    """`attribute[code]=value`, or one `attribute[code][]=value` per value of a list."""
    pairs = []
    for code, value in values.items():
        if isinstance(value, list | tuple):
            pairs.extend((f"attribute[{code}][]", str(item)) for item in value)
        else:
            pairs.append((f"attribute[{code}]", str(value)))
    return pairs
