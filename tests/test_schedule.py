"""Daily schedules in local time (DST included), grace, and the chat's day streak."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.quiz.schedule import (
    DailySchedule,
    ScheduleError,
    advance_day_streak,
    is_within_grace,
    local_date,
    next_push,
    parse_schedule,
)

BERLIN = DailySchedule(time(8, 30), "Europe/Berlin")


def test_parse_time_and_zone():
    assert parse_schedule(["08:30", "Europe/Berlin"], "UTC") == BERLIN
    assert parse_schedule(["7:05"], "Asia/Kolkata") == DailySchedule(time(7, 5), "Asia/Kolkata")
    assert parse_schedule(["2145"], "UTC").at == time(21, 45)
    for words in ([], ["25:00"], ["8"], ["08:30", "Mars/Base"], ["08:30", "a", "b"]):
        with pytest.raises(ScheduleError):
            parse_schedule(words, "UTC")


def test_next_push_is_the_next_local_occurrence():
    winter_morning = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert next_push(winter_morning, BERLIN) == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    after = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # exactly at the push: the next day's
    assert next_push(after, BERLIN) == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)


def test_daylight_saving_keeps_the_local_time():
    # Europe moves clocks forward on 29 March 2026: 08:30 local is 07:30 UTC, then 06:30 UTC.
    before = next_push(datetime(2026, 3, 28, 8, 0, tzinfo=UTC), BERLIN)
    after = next_push(before, BERLIN)
    assert before == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)
    assert after == datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    # A time inside the spring-forward gap happens once, an hour later on the wall clock.
    gap = DailySchedule(time(2, 30), "Europe/Berlin")
    moment = next_push(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), gap)
    assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # On the fall-back day the repeated hour fires once.
    fall = DailySchedule(time(2, 30), "Europe/Berlin")
    first = next_push(datetime(2026, 10, 24, 12, 0, tzinfo=UTC), fall)
    second = next_push(first, fall)
    assert second - first >= timedelta(hours=24)


def test_grace_and_local_dates():
    due = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert is_within_grace(due, due + timedelta(hours=3))
    assert not is_within_grace(due, due + timedelta(hours=3, seconds=1))
    assert local_date(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), "Europe/Berlin") == date(2026, 3, 3)


def test_day_streak():
    monday, tuesday, thursday = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5)
    assert advance_day_streak(None, 0, monday) == (monday, 1)
    assert advance_day_streak(monday, 1, monday) == (monday, 1)
    assert advance_day_streak(monday, 1, tuesday) == (tuesday, 2)
    assert advance_day_streak(tuesday, 2, thursday) == (thursday, 1)
