"""Daily-push schedules in a chat's local time, and the chat's day streak."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A push found this late (the bot was down) is still sent; an older one is skipped.
GRACE = timedelta(hours=3)

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.hH]?([0-5]\d)$")


class ScheduleError(ValueError):
    """A time or zone the user typed cannot be used."""


@dataclass(frozen=True)
class DailySchedule:
    """A chat's daily push: a wall-clock time in an IANA time zone."""

    at: time
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def label(self) -> str:
        return f"{self.at:%H:%M} {self.timezone}"


def parse_schedule(words: list[str], default_timezone: str) -> DailySchedule:
    """`["08:30", "Europe/Berlin"]` (zone optional) -> DailySchedule; ScheduleError if not."""
    if not words or len(words) > 2:
        raise ScheduleError("Give a time and, optionally, a time zone: /daily 08:30 Europe/Berlin")
    match = _TIME.match(words[0])
    if not match:
        raise ScheduleError(f"“{words[0]}” is not a time of day; use 24-hour HH:MM, e.g. 08:30.")
    zone_name = words[1] if len(words) == 2 else default_timezone
    try:
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(
            f"“{zone_name}” is not a time zone I know; use an IANA name such as "
            "Europe/Berlin, America/New_York or Asia/Kolkata."
        ) from exc
    return DailySchedule(time(int(match.group(1)), int(match.group(2))), zone_name)


def local_occurrence(day: date, schedule: DailySchedule) -> datetime:
    """The UTC instant of the schedule's wall-clock time on a local calendar day.

    On a spring-forward day a time inside the gap moves forward by the gap (02:30 -> 03:30);
    on a fall-back day an ambiguous time means its first occurrence.
    """
    local = datetime.combine(day, schedule.at, tzinfo=schedule.zone)
    # Round-tripping through UTC normalises a non-existent wall time.
    return local.astimezone(UTC)


def next_push(after: datetime, schedule: DailySchedule) -> datetime:
    """The first push instant strictly after `after` (UTC in, UTC out)."""
    local_day = after.astimezone(schedule.zone).date()
    for offset in range(0, 3):
        candidate = local_occurrence(local_day + timedelta(days=offset), schedule)
        if candidate > after:
            return candidate
    raise AssertionError("a daily time always recurs within three days")


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date at `moment` in a time zone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def is_within_grace(due: datetime, now: datetime) -> bool:
    """Whether a push due at `due` should still go out at `now`."""
    return now - due <= GRACE


def advance_day_streak(
    last_day: date | None, streak: int, today: date
) -> tuple[date, int]:
    """A chat's run of consecutive local days with at least one right answer."""
    if last_day == today:
        return today, streak
    if last_day is not None and last_day == today - timedelta(days=1):
        return today, streak + 1
    return today, 1
