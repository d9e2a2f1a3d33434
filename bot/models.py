"""Value types shared by the rules and the store (no behaviour, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Streak:
    """A member's run of correct answers in one chat."""

    current: int = 0
    best: int = 0


@dataclass(frozen=True)
class Ask:
    """One question put to a chat, with the shuffled option order it was shown in."""

    id: int
    chat_id: int
    question_id: str
    topic: str | None
    option_order: tuple[int, ...]
    kind: str
    asked_at: datetime
    message_id: int | None = None
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    exam_id: int | None = None
    exam_position: int | None = None


@dataclass(frozen=True)
class AskHistory:
    """How often and how recently a chat was asked one question."""

    times: int
    last_asked: datetime


@dataclass(frozen=True)
class AnswerOutcome:
    """What recording a tap did: whether it counted, and the member's streak after it."""

    recorded: bool
    correct: bool
    choice: int
    streak: Streak


@dataclass(frozen=True)
class MemberStats:
    """A member's totals in one chat."""

    answered: int
    correct: int
    streak: Streak

    @property
    def accuracy(self) -> float:
        """Share of answers that were right, 0.0 when nothing was answered."""
        return self.correct / self.answered if self.answered else 0.0


Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ChatState:
    """A chat's own settings and standing: schedule, window, pause, day streak."""

    id: int
    type: str
    title: str | None = None
    timezone: str | None = None
    daily_time: str | None = None
    next_push_at: datetime | None = None
    paused_reason: str | None = None
    answer_seconds: int | None = None
    day_streak: int = 0
    last_correct_day: date | None = None

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass(frozen=True)
class MemberAnswer:
    """One member's answer to an ask, with their streak in the chat now."""

    user_id: int
    name: str
    choice: int
    correct: bool
    streak: Streak


@dataclass(frozen=True)
class LeaderRow:
    """A member's standing on a chat's leaderboard."""

    user_id: int
    name: str
    answered: int
    correct: int
    best_streak: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class CardState:
    """A spaced-repetition card as stored: the scheduler's JSON and when it is next due."""

    data: str
    due: datetime


@dataclass(frozen=True)
class Exam:
    """A mock exam attempt: its questions in order and its time limit."""

    id: int
    user_id: int
    chat_id: int
    question_ids: tuple[str, ...]
    started_at: datetime
    ends_at: datetime
    finished_at: datetime | None = None
    abandoned: bool = False


@dataclass(frozen=True)
class PushClaim:
    """One chat's daily push, ready to be claimed: the question and where the schedule goes."""

    chat_id: int
    due: datetime
    local_day: date
    next_at: datetime
    question_id: str
    option_order: tuple[int, ...]
    asked_at: datetime
    closes_at: datetime | None = None
