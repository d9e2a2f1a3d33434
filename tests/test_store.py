"""The store on real temporary SQLite files: schema, constraints, atomic streaks."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import PushClaim, Streak
from bot.quiz.grade import advance_streak
from bot.store import MIGRATIONS, SchemaError, Store

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


async def make_ask(store: Store, chat_id: int = 1, question_id: str = "q1"):
    await store.remember(T0, chat=(chat_id, "private", None), user=(chat_id, "Alice"))
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
        await store.remember(datetime(2026, 1, 1), chat=(1, "private", None))


async def test_migration_from_version_1_keeps_answers_and_streaks(tmp_path: Path):
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.executescript(MIGRATIONS[0])
        raw.execute("PRAGMA user_version = 1")
        raw.execute("INSERT INTO chats VALUES (1, 'private', NULL, '2026-01-01T00:00:00+00:00')")
        raw.execute("INSERT INTO users VALUES (1, 'Alice')")
        raw.execute("INSERT INTO asks (chat_id, question_id, option_order, kind, asked_at)"
                    " VALUES (1, 'q1', '0,1', 'quiz', '2026-01-01T00:00:00+00:00')")
        raw.execute("INSERT INTO answers VALUES (1, 1, 0, 1, '2026-01-01T00:00:00+00:00')")
        raw.execute("INSERT INTO streaks VALUES (1, 1, 4, 6)")
    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        stats = await store.member_stats(1, 1)
        assert (stats.answered, stats.streak) == (1, Streak(4, 6))
        assert (await store.chat_state(1)).day_streak == 0
    finally:
        await store.close()


async def test_push_claim_is_once_per_chat_and_local_day(store: Store):
    await store.remember(T0, chat=(5, "private", None))
    due = T0.replace(hour=7)
    await store.set_daily(5, "08:00", "Europe/Berlin", due)
    assert [c.id for c in await store.due_pushes(T0)] == [5]
    nxt = due + timedelta(days=1)
    claim = PushClaim(5, due, date(2026, 1, 1), nxt, "q1", (1, 0), T0)
    (ask,) = await store.claim_pushes([claim])
    assert ask.kind == "daily"
    assert await store.claim_pushes([claim]) == []  # the schedule has moved on
    assert await store.due_pushes(T0) == []
    assert [a.id for a in await store.unsent_pushes()] == [ask.id]
    await store.complete_push(ask.id, 9)
    assert await store.unsent_pushes() == []
    assert (await store.get_ask(ask.id)).message_id == 9
    # A claim for a local date already pushed (clock trouble) yields nothing.
    again = PushClaim(5, nxt, date(2026, 1, 1), nxt + timedelta(days=1), "q2", (0, 1), T0)
    assert await store.claim_pushes([again]) == []
    assert await store.unsent_pushes() == []
    assert (await store.chat_state(5)).next_push_at == nxt + timedelta(days=1)


async def test_paused_chats_are_not_due_until_they_talk_again(store: Store):
    await store.remember(T0, chat=(5, "private", None))
    await store.set_daily(5, "08:00", "UTC", T0)
    await store.pause_chat(5, "Forbidden: bot was blocked by the user")
    assert await store.due_pushes(T0) == []
    assert (await store.chat_state(5)).paused_reason.startswith("Forbidden")
    await store.remember(T0, chat=(5, "private", None))
    assert [c.id for c in await store.due_pushes(T0)] == [5]


async def test_group_windows_answers_and_leaderboard(store: Store):
    await store.remember(T0, chat=(-7, "group", "Study"), user=(1, "Alice"))
    await store.remember(T0, user=(2, "Bob"))
    ask = await store.create_ask(-7, "q1", None, (0, 1), "group", T0, T0 + timedelta(seconds=60))
    await store.record_answer(ask, 2, 1, False, T0, advance_streak)
    await store.record_answer(ask, 1, 0, True, T0 + timedelta(seconds=1), advance_streak)
    assert await store.asks_to_close(T0) == []
    assert [a.id for a in await store.asks_to_close(T0 + timedelta(seconds=60))] == [ask.id]
    assert await store.close_ask(ask.id, T0)
    assert not await store.close_ask(ask.id, T0)
    answers = await store.ask_answers(ask)
    assert [(a.name, a.correct, a.streak.current) for a in answers] == [
        ("Bob", False, 0), ("Alice", True, 1)]
    board = await store.leaderboard(-7)
    assert [(r.name, r.correct, r.answered) for r in board] == [("Alice", 1, 1), ("Bob", 0, 1)]
    assert await store.leaderboard(-7, since=T0 + timedelta(days=1)) == []


async def test_migrating_a_group_keeps_its_data(store: Store):
    await store.remember(T0, chat=(-7, "group", "Study"), user=(1, "Alice"))
    ask = await store.create_ask(-7, "q1", None, (0, 1), "group", T0)
    await store.record_answer(ask, 1, 0, True, T0, advance_streak)
    await store.remember(T0, chat=(-1007, "supergroup", "Study"))
    await store.migrate_chat(-7, -1007)
    assert await store.chat_state(-7) is None
    assert (await store.get_ask(ask.id)).chat_id == -1007
    assert (await store.member_stats(-1007, 1)).streak == Streak(1, 1)
