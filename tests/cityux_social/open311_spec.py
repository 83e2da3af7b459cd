"""The services and service definitions the fake Open311 server publishes.

Shapes of the GeoReport v2 spec's examples for `GET services` and `GET services/{code}`, with
our values. STREETLIGHT has a definition with one attribute of every datatype, listed out of
order (the client sorts by `order`) and an informational one (`variable: false`).
"""

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
