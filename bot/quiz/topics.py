"""Resolve what a user typed after /quiz to a topic of the bank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.bank import Topic


@dataclass(frozen=True)
class TopicMatch:
    """The topic found, or the candidates when the query was unknown or ambiguous."""

    topic: Topic | None
    candidates: tuple[Topic, ...] = ()


def resolve_topic(topics: Sequence[Topic], query: str) -> TopicMatch:
    """Exact slug (any case), else the one slug starting with the query."""
    wanted = query.strip().lower().replace(" ", "-").replace("_", "-")
    for topic in topics:
        if topic.slug == wanted:
            return TopicMatch(topic)
    prefixed = tuple(topic for topic in topics if wanted and topic.slug.startswith(wanted))
    if len(prefixed) == 1:
        return TopicMatch(prefixed[0])
    return TopicMatch(None, prefixed)
