"""The model's records behave as the frozen dataclasses they replaced: what the rest of the code relies on."""

from __future__ import annotations

import copy
import pickle

import pytest

from faq_cli.model import Catalogue, Dispute, Involvement, PartialDate, Position, Source
from faq_cli.record import fields, replace


def test_a_frozen_record_refuses_assignment_and_deletion() -> None:
    date = PartialDate(2025, 12)
    with pytest.raises(AttributeError, match="cannot assign to field 'year'"):
        date.year = 2024  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'month'"):
        del date.month
    with pytest.raises(AttributeError):
        date.note = "x"  # type: ignore[attr-defined]  # slotted: no other attribute either
    assert date == PartialDate(2025, 12, 0)


def test_equality_and_hash_follow_class_and_fields() -> None:
    assert Dispute("a claim", ("s1",)) == Dispute(claim="a claim", sources=("s1",), about=None)
    assert Dispute("a claim", ("s1",)) != Dispute("a claim", ("s2",))
    # same values, another class: not equal (unlike named tuples)
    assert Involvement("a", "b", "c") != Dispute("a", "b", "c")  # type: ignore[arg-type]
    assert PartialDate(2024) != (2024, 0, 0)
    assert len({PartialDate(2024), PartialDate(2024, 0, 0), PartialDate(2024, 1)}) == 2


def test_defaults_and_fresh_mutable_sections() -> None:
    position = Position("Deputy chief", "GRU")
    assert (position.start, position.end, position.note, position.sources) == (None, None, None, ())
    first, second = Catalogue(), Catalogue()
    assert first.people is not second.people
    first.people["x"] = None  # type: ignore[index]  # the loader fills dict sections in place
    assert second.people == {}
    with pytest.raises(TypeError):
        Position("Deputy chief")  # type: ignore[call-arg]


def test_ordering_compares_field_by_field() -> None:
    dates = [PartialDate(2025, 12, 22), PartialDate(2024), PartialDate(2025, 12), PartialDate(2025, 1, 5)]
    assert [d.iso() for d in sorted(dates)] == ["2024", "2025-01-05", "2025-12", "2025-12-22"]
    assert max(dates) == PartialDate(2025, 12, 22)
    assert PartialDate(2025) <= PartialDate(2025) < PartialDate(2025, 1) > PartialDate(2024, 12, 31)


def test_fields_replace_repr_copy_and_pickle() -> None:
    source = Source("reuters-1", "A wire", "Reuters", PartialDate(2025, 12, 22))
    assert list(fields(source)) == ["id", "title", "publisher", "date", "url", "kind", "catalogue"]
    assert fields(Source)["url"] is None
    changed = replace(source, url="https://example.org/")
    assert (changed.url, changed.id, source.url) == ("https://example.org/", "reuters-1", None)
    assert repr(PartialDate(2025, 12)) == "PartialDate(year=2025, month=12, day=0)"
    assert copy.copy(source) == source == pickle.loads(pickle.dumps(source))
    catalogue = Catalogue()
    narrowed = replace(catalogue, people={})
    assert narrowed.info is catalogue.info and narrowed is not catalogue
