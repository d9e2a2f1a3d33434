"""The store on real temporary SQLite files: schema, constraints, atomic streaks."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Streak
from bot.quiz.grade import advance_streak
from bot.store import MIGRATIONS, SchemaError, Store

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


async def make_ask(store: Store, chat_id: int = 1, question_id: str = "q1"):
    await store.remember_chat(chat_id, "private", None, T0)
    await store.remember_user(chat_id, "Alice")
    return await store.create_ask(chat_id, question_id, "alpha", (2, 0, 1), "quiz", T0)


async def test_fresh_database_is_migrated_with_wal_and_foreign_keys(store: Store, tmp_path):
    assert await store.schema_version() == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "test.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        await store.create_ask(404, "q1", None, (0, 1), "quiz", T0)  # no such chat


async def test_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(SchemaError):
        await Store.open(path)


async def test_ask_round_trip_and_history(store: Store):
    ask = await make_ask(store)
    await store.set_ask_message(ask.id, 77)
    loaded = await store.get_ask(ask.id)
    assert loaded.option_order == (2, 0, 1)
    assert loaded.message_id == 77
    assert loaded.asked_at == T0
    assert await store.get_ask(ask.id + 1000) is None
    await store.create_ask(1, "q1", "alpha", (0, 1, 2), "quiz", T0.replace(hour=13))
    history = await store.ask_history(1)
    assert history["q1"].times == 2
    assert history["q1"].last_asked == T0.replace(hour=13)


async def test_one_answer_per_member_and_streak_in_the_same_transaction(store: Store):
    ask = await make_ask(store)
    first = await store.record_answer(ask, 1, 0, True, T0, advance_streak)
    assert first.recorded and first.streak == Streak(1, 1)
    again = await store.record_answer(ask, 1, 2, False, T0, advance_streak)
    assert not again.recorded
    assert again.choice == 0 and again.correct
    assert again.streak == Streak(1, 1)
    stats = await store.member_stats(1, 1)
    assert (stats.answered, stats.correct, stats.streak) == (1, 1, Streak(1, 1))


async def test_failed_streak_update_rolls_the_answer_back(store: Store):
    ask = await make_ask(store)

    def broken_rule(streak: Streak, correct: bool) -> Streak:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.record_answer(ask, 1, 0, True, T0, broken_rule)
    stats = await store.member_stats(1, 1)
    assert stats.answered == 0
    retry = await store.record_answer(ask, 1, 0, True, T0, advance_streak)
    assert retry.recorded


async def test_streaks_survive_reopening(tmp_path: Path):
    path = tmp_path / "persist.sqlite3"
    store = await Store.open(path)
    ask = await make_ask(store)
    await store.record_answer(ask, 1, 0, True, T0, advance_streak)
    await store.close()
    reopened = await Store.open(path)
    try:
        stats = await reopened.member_stats(1, 1)
        assert stats.streak == Streak(1, 1)
        assert await reopened.schema_version() == len(MIGRATIONS)
    finally:
        await reopened.close()


async def test_naive_timestamps_are_rejected(store: Store):
    with pytest.raises(ValueError):
        await store.remember_chat(1, "private", None, datetime(2026, 1, 1))
