"""Inline keyboards and the callback data behind their buttons (64 bytes at most)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.quiz.grade import LETTERS

ALL_TOPICS = "*"
_ANSWER = re.compile(r"^a:(\d{1,18}):([A-F])$")
_NEXT = re.compile(r"^n:([a-z0-9-]{1,32}|\*)$")
_FORGET = re.compile(r"^f:(\d{1,18}):([yn])$")
NEXT_REVIEW = "r:next"


@dataclass(frozen=True)
class AnswerTap:
    """A tap on letter `letter` of ask `ask_id` (to be checked against the database)."""

    ask_id: int
    letter: str


@dataclass(frozen=True)
class NextTap:
    """A tap on "Next question" for a topic (None = all topics)."""

    topic: str | None


@dataclass(frozen=True)
class NextReviewTap:
    """A tap on "Next review"."""


@dataclass(frozen=True)
class ForgetTap:
    """A tap on the /forget confirmation, valid only for the user who asked."""

    user_id: int
    confirmed: bool


Tap = AnswerTap | NextTap | NextReviewTap | ForgetTap


def parse_callback(data: str | None) -> Tap | None:
    """Decode callback data; None for anything we did not produce."""
    if not data:
        return None
    if data == NEXT_REVIEW:
        return NextReviewTap()
    if match := _FORGET.match(data):
        return ForgetTap(int(match.group(1)), match.group(2) == "y")
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


def next_keyboard(topic: str | None, review: bool = False) -> InlineKeyboardMarkup:
    """The "Next question" button (same topic), or "Next review" after a review."""
    if review:
        return InlineKeyboardMarkup([[
            InlineKeyboardButton("Next review ▶", callback_data=NEXT_REVIEW)
        ]])
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Next question ▶", callback_data=f"n:{topic or ALL_TOPICS}")
    ]])


def forget_keyboard(user_id: int) -> InlineKeyboardMarkup:
    """Confirm or cancel /forget; the data names the user so only they can confirm."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Yes, delete my data", callback_data=f"f:{user_id}:y"),
        InlineKeyboardButton("Cancel", callback_data=f"f:{user_id}:n"),
    ]])
