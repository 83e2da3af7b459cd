"""The services and service definitions the fake Open311 server publishes.

Shapes of the GeoReport v2 spec's examples for `GET services` and `GET services/{code}`, with
our values. STREETLIGHT has a definition with one attribute of every datatype, listed out of
order (the client sorts by `order`) and an informational one (`variable: false`).
`check_attributes` is the spec's rule for a POST's `attribute[...]` fields.
"""

import datetime
import re

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def parse_w3c(text):
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


SERVICES = [
    {
        "service_code": "POTHOLE",
        "service_name": "Pothole",
        "description": "A hole in the road surface.",
        "metadata": False,
        "type": "realtime",
        "keywords": "pothole, road, street",
        "group": "Streets",
    },
    {
        "service_code": "MISSED-BIN",
        "service_name": "Missed garbage pickup",
        "description": "Household waste was not collected on the scheduled day.",
        "metadata": False,
        "type": "batch",
        "keywords": "garbage, trash, pickup",
        "group": "Sanitation",
    },
    {
        "service_code": "CODE",
        "service_name": "Code violation",
        "description": "Overgrown lots, junk cars, unsafe structures.",
        "metadata": False,
        "type": "realtime",
        "keywords": "junk, abandoned, overgrown",
        "group": "Code Enforcement",
    },
    {
        "service_code": "STREETLIGHT",
        "service_name": "Street light out",
        "description": "A street light that is out, flickering or on by day.",
        "metadata": True,
        "type": "realtime",
        "keywords": "light, lamp, dark",
        "group": "Streets",
    },
]


def _values(*pairs):
    return [{"key": key, "name": name} for key, name in pairs]


DEFINITIONS = {
    "STREETLIGHT": {
        "service_code": "STREETLIGHT",
        "attributes": [
            {
                "variable": True,
                "code": "KIND",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 2,
                "description": "What is wrong with the light?",
                "values": _values(("out", "Out"), ("flicker", "Flickering"), ("day", "On by day")),
            },
            {
                "variable": True,
                "code": "POLE",
                "datatype": "string",
                "required": True,
                "datatype_description": "The number on the pole's metal tag.",
                "order": 1,
                "description": "Pole number",
                "values": [],
            },
            {
                "variable": False,
                "code": "DANGER",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "order": 0,
                "description": "A wire on the ground? Call 911 now.",
                "values": [],
            },
            {
                "variable": True,
                "code": "HEIGHT",
                "datatype": "number",
                "required": False,
                "datatype_description": "In metres.",
                "order": 3,
                "description": "Height of the light",
                "values": [],
            },
            {
                "variable": True,
                "code": "SINCE",
                "datatype": "datetime",
                "required": False,
                "datatype_description": None,
                "order": 4,
                "description": "Out since",
                "values": [],
            },
            {
                "variable": True,
                "code": "NEAR",
                "datatype": "multivaluelist",
                "required": False,
                "datatype_description": None,
                "order": 6,
                "description": "What is near the light?",
                "values": _values(("school", "A school"), ("crossing", "A crossing")),
            },
            {
                "variable": True,
                "code": "NOTES",
                "datatype": "text",
                "required": False,
                "datatype_description": None,
                "order": 5,
                "description": "Anything else the crew should know",
                "values": [],
            },
        ],
    },
}


def check_attributes(service_code, pairs):
    """The errors in the `attribute[...]` fields of a POST for `service_code`."""
    definition = DEFINITIONS.get(service_code, {"attributes": []})
    attributes = {a["code"]: a for a in definition["attributes"] if a["variable"]}
    given, errors = {}, []
    for name, value in pairs:
        if not name.startswith("attribute"):
            continue
        match = ATTRIBUTE.match(name)
        if not match or match.group(1) not in attributes:
            errors.append(f"{name} is not an attribute of {service_code}")
            continue
        code, multi = match.group(1), bool(match.group(2))
        if multi != (attributes[code]["datatype"] == "multivaluelist"):
            form = f"attribute[{code}][]" if not multi else f"attribute[{code}]"
            errors.append(f"{code} must be sent as {form}")
            continue
        if not multi and code in given:
            errors.append(f"attribute[{code}] was given twice")
        given.setdefault(code, []).append(value)
    for code, attribute in attributes.items():
        values = [v for v in given.get(code, []) if v != ""]
        if attribute["required"] and not values:
            errors.append(f"{code} is required: {attribute['description']}")
        keys = {v["key"] for v in attribute.get("values") or []}
        for value in values:
            datatype = attribute["datatype"]
            if datatype.endswith("valuelist") and value not in keys:
                errors.append(f"{value} is not a value of {code}")
            elif datatype == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                errors.append(f"{code} must be a number")
            elif datatype == "datetime" and parse_w3c(value) is None:
                errors.append(f"{code} must be a W3C datetime")
    return errors
