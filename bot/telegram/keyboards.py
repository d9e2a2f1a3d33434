"""Inline keyboards and the callback data behind their buttons (64 bytes at most)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.quiz.grade import LETTERS

ALL_TOPICS = "*"
_ANSWER = re.compile(r"^a:(\d{1,18}):([A-F])$")
_NEXT = re.compile(r"^n:([a-z0-9-]{1,32}|\*)$")


@dataclass(frozen=True)
class AnswerTap:
    """A tap on letter `letter` of ask `ask_id` (to be checked against the database)."""

    ask_id: int
    letter: str


@dataclass(frozen=True)
class NextTap:
    """A tap on "Next question" for a topic (None = all topics)."""

    topic: str | None


def parse_callback(data: str | None) -> AnswerTap | NextTap | None:
    """Decode callback data; None for anything we did not produce."""
    if not data:
        return None
    if match := _ANSWER.match(data):
        return AnswerTap(int(match.group(1)), match.group(2))
    if match := _NEXT.match(data):
        topic = match.group(1)
        return NextTap(None if topic == ALL_TOPICS else topic)
    return None


def answer_keyboard(ask_id: int, option_count: int) -> InlineKeyboardMarkup:
    """One button per letter, in a single row."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(letter, callback_data=f"a:{ask_id}:{letter}")
        for letter in LETTERS[:option_count]
    ]])


def next_keyboard(topic: str | None) -> InlineKeyboardMarkup:
    """The "Next question" button, for the same topic."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Next question ▶", callback_data=f"n:{topic or ALL_TOPICS}")
    ]])
