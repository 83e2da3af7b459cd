"""The "My data" registry's own rules (issue 19: found by mutation testing): who counts as
nobody, the order sources are shown in, and the longest retention a tombstone must outlive."""

import dataclasses
import uuid

import pytest

from cityux import mydata
from cityux.mydata import DataSource, DataSubject


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(mydata, "_sources", {})
    monkeypatch.setattr(mydata, "_tables", {})


def test_a_subject_with_neither_profiles_nor_user_is_empty():
    assert DataSubject(request=None).is_empty is True
    assert DataSubject(request=None, profile_ids=(1,)).is_empty is False
    assert DataSubject(request=None, user="someone").is_empty is False


def test_sources_are_listed_by_order_then_by_name(empty_registry):
    def source(name, order):
        mydata.register_data_source(
            name, label=name, collect=list, delete=len, order=order
        )  # fmt: skip

    source("zeta", 10)
    source("alpha", 100)
    source("beta", 10)
    source("gamma", 99)
    assert [s.name for s in mydata.data_sources()] == ["beta", "zeta", "gamma", "alpha"]
    assert mydata.register_data_source("plain", label="p", collect=list, delete=len).order == 100


def test_the_longest_retention_skips_the_tombstones_and_tables_without_one(empty_registry):
    assert mydata.longest_retention_days() == 400
    assert mydata.longest_retention_days(default=7) == 7

    mydata.register_table("app.Kept", holds="h", why="w", retention_days=lambda: 30)
    mydata.register_table("app.Longer", holds="h", why="w", retention_days=lambda: 365)
    mydata.register_table("app.Forever", holds="h", why="w")
    mydata.register_table("app.Zero", holds="h", why="w", retention_days=lambda: 0)
    mydata.register_table("cityux.Tombstone", holds="h", why="w", retention_days=lambda: 9999)
    assert mydata.longest_retention_days() == 365


def test_a_table_is_personal_only_when_something_links_it_to_a_resident(empty_registry):
    linked = mydata.register_table("app.Linked", holds="h", why="w", linked_by=("session",))
    unlinked = mydata.register_table("app.Counts", holds="h", why="w")
    assert (linked.personal, unlinked.personal) == (True, False)
    assert set(mydata.data_map()) == {"app.linked", "app.counts"}


def test_a_source_built_without_an_order_comes_at_100():
    source = DataSource("plain", "Plain", collect=list, delete=len)
    assert (source.order, source.description, source.session_ids) == (100, "", None)


# The registry hands out the registered objects themselves (data_map() copies only the dict) and
# every source receives the same subject: none of them may change what the others read.
@pytest.mark.parametrize(
    "value, field",
    [
        (DataSubject(request=None, visitor_ids=()), "visitor_ids"),
        (DataSource("plain", "Plain", collect=list, delete=len), "order"),
        (mydata.Table("app.Model", holds="h", why="w"), "linked_by"),
    ],
    ids=["subject", "source", "table"],
)
def test_subjects_sources_and_tables_cannot_be_changed_in_place(value, field):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, ("changed",))


@pytest.mark.django_db
def test_forgetting_a_subject_tombstones_its_visitor_ids_and_every_sources_sessions(
    empty_registry,
):
    from cityux.models import Tombstone
    from cityux.tombstones import is_forgotten

    visitors = (uuid.uuid4(), uuid.uuid4())
    mydata.register_data_source(
        "visits", label="v", collect=list, delete=len, session_ids=lambda s: ["s-1", "s-2", "s-3"]
    )
    mydata.register_data_source("answers", label="a", collect=list, delete=len)
    subject = DataSubject(request=None, visitor_ids=visitors)

    assert mydata.forget_subject(subject) == 5
    assert Tombstone.objects.count() == 5
    assert all(is_forgotten(sid=sid) for sid in ("s-1", "s-2", "s-3"))
    assert all(is_forgotten(visitor_id=visitor) for visitor in visitors)


def test_the_core_maps_its_tombstones_and_its_department_tables(empty_registry):
    mydata.register_core_tables()
    tables = mydata.data_map()
    assert set(tables) == {"cityux.tombstone", "cityux.department", "cityux.departmentrootpage"}
    tombstone = tables["cityux.tombstone"]
    assert (tombstone.model, tombstone.linked_by, tombstone.personal) == (
        "cityux.Tombstone",
        ("digest",),
        True,
    )
    assert tables["cityux.department"].model == "cityux.Department"
    assert tables["cityux.departmentrootpage"].personal is False
