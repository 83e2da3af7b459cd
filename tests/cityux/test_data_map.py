"""The data map cannot drift: every model of every CityUX app is declared, and every model that
ties rows to a visitor, a session or a post's author is covered by My data or by retention.

The map is declared by each app (`cityux.mydata.register_table`); this test reads the models'
real fields, so a new model, or a new field that links a row to a person, fails here until the
map (and the README's privacy table) says what it holds, why, how long, and what deletes it.
"""

import dataclasses
from pathlib import Path

from django.apps import apps

from cityux.mydata import data_map, data_sources

README = Path(__file__).resolve().parents[2] / "README.md"
# Columns that carry a visitor id or a tracker session id themselves.
VISITOR_FIELDS = {"visitor_id", "sid", "session_id"}


def cityux_models():
    """Every model of the core and of each installed cityux_* app (not the reference site's)."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name == "cityux" or config.name.startswith("cityux_")
        for model in config.get_models()
    ]


def _fields(model):
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def _seeds(field, kind):
    if kind == "visitor":
        return field.name in VISITOR_FIELDS
    return field.name.startswith("author")


def linking_fields(models, kind):
    """{model: {field names}} of the fields that tie a row to a visitor or session (`kind`
    "visitor") or to a post's author ("author"): such a column, or a relation to a model that
    has one (followed as far as it goes)."""
    linked = {}
    changed = True
    while changed:
        changed = False
        for model in models:
            names = {
                field.name
                for field in _fields(model)
                if _seeds(field, kind) or (field.is_relation and field.related_model in linked)
            }
            if names and names != linked.get(model):
                linked[model] = names
                changed = True
    return linked


def problems(models, declared, source_names):
    """What is wrong between the models and the declared map, in words (empty: nothing)."""
    found = []
    visitor_linked = linking_fields(models, "visitor")
    author_linked = linking_fields(models, "author")
    for model in models:
        label = model._meta.label
        table = declared.get(model._meta.label_lower)
        if table is None:
            found.append(f"{label} is not in the data map (cityux.mydata.register_table)")
            continue
        real = {field.name for field in _fields(model)}
        for name in set(table.linked_by) - real:
            found.append(f"{label}: linked_by names {name!r}, which is not a field")
        links = visitor_linked.get(model, set()) | author_linked.get(model, set())
        for name in sorted(links - set(table.linked_by)):
            found.append(f"{label}.{name} links rows to a person but is not in linked_by")
        if not table.personal:
            continue
        if not (table.holds and table.why and table.kept):
            found.append(f"{label}: say what it holds, why, and how long it is kept")
        days = table.retention_days() if table.retention_days else None
        if not (isinstance(days, int) and days > 0):
            found.append(f"{label} holds personal data but has no retention (days)")
        for name in set(table.mydata) - source_names:
            found.append(f"{label}: My data source {name!r} is not registered")
        if model in visitor_linked and not table.mydata:
            found.append(f"{label} is linked to a visitor but no My data source covers it")
    for key in set(declared) - {model._meta.label_lower for model in models}:
        found.append(f"{key} is in the data map but is not a model")
    return found


def source_names():
    return {source.name for source in data_sources()}


def test_every_model_of_every_cityux_app_is_mapped_and_covered():
    assert problems(cityux_models(), data_map(), source_names()) == []


def test_a_model_missing_from_the_map_is_named():
    declared = data_map()
    del declared["cityux_analytics.replaychunk"]
    assert problems(cityux_models(), declared, source_names()) == [
        "cityux_analytics.ReplayChunk is not in the data map (cityux.mydata.register_table)"
    ]


def test_a_new_field_linking_rows_to_a_visitor_is_named():
    declared = data_map()
    exposure = declared["cityux_personalize.exposure"]
    declared["cityux_personalize.exposure"] = dataclasses.replace(exposure, linked_by=())
    assert problems(cityux_models(), declared, source_names()) == [
        "cityux_personalize.Exposure.visitor_id links rows to a person but is not in linked_by"
    ]


def test_a_relation_to_a_session_counts_as_a_link_too():
    linked = linking_fields(cityux_models(), "visitor")
    by_label = {model._meta.label: names for model, names in linked.items()}
    assert by_label["cityux_analytics.ReplayChunk"] == {"session"}
    assert by_label["cityux_personalize.FormDraft"] == {"profile"}
    assert "cityux_analytics.PageDailyStats" not in by_label


def test_a_post_authors_data_counts_as_personal():
    linked = linking_fields(cityux_models(), "author")
    by_label = {model._meta.label: names for model, names in linked.items()}
    assert by_label["cityux_social.SocialPost"] >= {"author_handle", "author_name"}
    assert by_label["cityux_social.Reply"] == {"post"}


def test_a_personal_table_without_retention_or_my_data_is_named():
    declared = data_map()
    drafts = declared["cityux_personalize.formdraft"]
    declared["cityux_personalize.formdraft"] = dataclasses.replace(
        drafts, retention_days=None, mydata=()
    )
    assert problems(cityux_models(), declared, source_names()) == [
        "cityux_personalize.FormDraft holds personal data but has no retention (days)",
        "cityux_personalize.FormDraft is linked to a visitor but no My data source covers it",
    ]


def test_the_readme_privacy_section_lists_every_table_of_the_map():
    text = README.read_text()
    section = text[text.index("### What is stored, why, and for how long") :]
    missing = [table.model for table in data_map().values() if f"`{table.model}`" not in section]
    assert missing == []
