"""Spaced repetition with FSRS: one card per (learner, question), stored as JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from bot.models import CardState

# A right answer given after this long (in a private chat) was hard work: rate it Hard.
SLOW_ANSWER = timedelta(seconds=90)


def rating_for(correct: bool, think_time: timedelta | None) -> Rating:
    """Wrong -> Again; right -> Good, or Hard when it took long (None: time not known)."""
    if not correct:
        return Rating.Again
    if think_time is not None and think_time > SLOW_ANSWER:
        return Rating.Hard
    return Rating.Good


class Reviewer:
    """Reviews cards with one FSRS scheduler; fuzzing off makes intervals reproducible."""

    def __init__(self, fuzz: bool = True) -> None:
        self.scheduler = Scheduler(enable_fuzzing=fuzz)

    def review(
        self, previous: str | None, rating: Rating, at: datetime, card_id: int
    ) -> CardState:
        """The card after a review at `at` (UTC), starting a new card if there was none."""
        at = at.astimezone(UTC)
        card = Card.from_json(previous) if previous else Card(card_id=card_id, due=at)
        card, _ = self.scheduler.review_card(card, rating, review_datetime=at)
        return CardState(card.to_json(), card.due.astimezone(UTC))
