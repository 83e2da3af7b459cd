"""The "My data" registry's own rules (issue 19: found by mutation testing): who counts as
nobody, the order sources are shown in, and the longest retention a tombstone must outlive."""

import pytest

from cityux import mydata
from cityux.mydata import DataSubject


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
