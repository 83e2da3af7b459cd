"""My data: everything the city holds about a visitor, to see, download and delete.

Apps plug their own data in through the core's registry (`cityux.mydata`), without this app
knowing their models::

    from cityux.mydata import register_data_source

    register_data_source(
        "survey_answers",
        label="Your survey answers",
        description="Answers you gave in “Tell us what you think” boxes.",
        collect=lambda subject: [...],   # a list of plain dicts (JSON-ready)
        delete=lambda subject: count,    # removes every row, returns how many
    )

`collect` and `delete` receive a `DataSubject`: the request, the visitor ids of the profile and
of every profile merged into it, and the signed-in user (or None).

One module per job: `subject` (whose data; collect, export, delete), `sources` (this app's
own data), `data_map` (its tables on the data map) and `words` (showing it in plain words).
"""

from cityux.mydata import DataSubject, data_sources, register_data_source

from .data_map import (
    PROFILE_KEPT,
    WHY_PERSONALISE,
    register_tables,
)
from .sources import _answers_in_words as _answers_in_words  # read by test_mydata_words
from .sources import register_my_data
from .subject import (
    collect_all,
    delete_all,
    export,
    forgotten,
    subject_for,
)
from .words import (
    ISO_INSTANT,
    display_rows,
    label_for,
    local_words,
    plain_text,
)

__all__ = [
    "DataSubject",
    "data_sources",
    "register_data_source",
    "ISO_INSTANT",
    "PROFILE_KEPT",
    "WHY_PERSONALISE",
    "collect_all",
    "delete_all",
    "display_rows",
    "export",
    "forgotten",
    "label_for",
    "local_words",
    "plain_text",
    "register_my_data",
    "register_tables",
    "subject_for",
]
