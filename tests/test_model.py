"""PartialDate: what it accepts, how it orders and prints, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faq_cli.catalogue.model import DateError, PartialDate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2024, PartialDate(2024)),
        ("2024", PartialDate(2024)),
        ("2025-12", PartialDate(2025, 12)),
        ("2025-12-22", PartialDate(2025, 12, 22)),
        (dt.date(2026, 2, 6), PartialDate(2026, 2, 6)),
        (dt.datetime(2026, 2, 6, 10, 30), PartialDate(2026, 2, 6)),
        (" 2025-04 ", PartialDate(2025, 4)),
        ("2024-02-29", PartialDate(2024, 2, 29)),
        (PartialDate(2023, 6), PartialDate(2023, 6)),
    ],
)
def test_parse_accepts_what_yaml_and_people_give(value: object, expected: PartialDate) -> None:
    assert PartialDate.parse(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2026-02-30", "Feb 2026 has no day 30"),
        ("2025-02-29", "Feb 2025 has no day 29"),
        ("2025-13", "there is no month 13"),
        ("2025-00", "there is no month 0"),
        ("2025-01-00", "Jan 2025 has no day 0"),
        ("0000", "year 0000"),
        ("last Tuesday", "not a date: 'last Tuesday'"),
        ("2025-1-5", "not a date"),
        ("25-12-22", "not a date"),
        ("2025/12/22", "not a date"),
        ("2025-12-22T10:00", "not a date"),
        ("２０２５", "not a date"),  # full-width digits are not ISO 8601
        ("", "not a date"),
        (0, "not a year from 1 to 9999"),
        (-2024, "not a year from 1 to 9999"),
        pytest.param(10**5000, "not a year from 1 to 9999", id="5000-digit-int"),  # str() of it would raise
        (True, "got bool"),
        (2024.5, "got float"),
        (None, "got NoneType"),
        ([2024], "got list"),
    ],
)
def test_parse_refuses_impossible_dates_with_a_reason(value: object, fragment: str) -> None:
    with pytest.raises(DateError) as refused:
        PartialDate.parse(value)
    assert fragment in str(refused.value)


def test_error_quotes_at_most_a_bounded_piece_of_the_input() -> None:
    with pytest.raises(DateError) as refused:
        PartialDate.parse("x" * 10_000)
    assert len(str(refused.value)) < 120


@pytest.mark.parametrize(
    ("value", "human", "iso", "precision"),
    [
        ("2024", "2024", "2024", "year"),
        ("2025-12", "Dec 2025", "2025-12", "month"),
        ("2026-02-06", "6 Feb 2026", "2026-02-06", "day"),
        ("0987-01-02", "2 Jan 987", "0987-01-02", "day"),
    ],
)
def test_prints_at_its_own_precision(value: str, human: str, iso: str, precision: str) -> None:
    date = PartialDate.parse(value)
    assert (date.human(), date.iso(), str(date), date.precision) == (human, iso, iso, precision)


def test_a_month_sorts_at_its_start_before_its_days_and_a_year_before_its_months() -> None:
    given_order = ["2025-12-22", "2025", "2025-12", "2024-12-31", "2025-01-01", "2025-01", "2026"]
    ordered = [d.iso() for d in sorted(PartialDate.parse(v) for v in given_order)]
    assert ordered == ["2024-12-31", "2025", "2025-01", "2025-01-01", "2025-12", "2025-12-22", "2026"]


def test_end_is_the_last_day_the_date_can_stand_for() -> None:
    assert PartialDate.parse("2025-12").end() == PartialDate(2025, 12, 31)
    assert PartialDate.parse("2024-02").end() == PartialDate(2024, 2, 29)
    assert PartialDate.parse("2024").end() == PartialDate(2024, 12, 31)
    assert PartialDate.parse("2024-06-05").end() == PartialDate(2024, 6, 5)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), st.sampled_from(["year", "month", "day"]))
def test_iso_round_trips_at_every_precision(day: dt.date, precision: str) -> None:
    text = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}", "day": day.isoformat()}[precision]
    date = PartialDate.parse(text)
    assert date.iso() == text
    assert date.precision == precision
    assert PartialDate.parse(date.iso()) == date
    assert date <= date.end()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none()))
def test_parse_only_ever_returns_a_date_or_raises_date_error(value: object) -> None:
    try:
        date = PartialDate.parse(value)
    except DateError as refused:
        assert str(refused) and "\n" not in str(refused)
    else:
        assert 1 <= date.year <= 9999
        assert PartialDate.parse(date.iso()) == date
