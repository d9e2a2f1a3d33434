"""SQLite persistence through aiosqlite: the only module that speaks SQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import aiosqlite

from bot.models import (
    AnswerOutcome,
    Ask,
    AskHistory,
    CardState,
    ChatState,
    Exam,
    LeaderRow,
    MemberAnswer,
    MemberStats,
    PushClaim,
    Streak,
)

# Each entry upgrades the schema by one version; PRAGMA user_version records how far a
# database has come. Never edit a released entry: append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        title TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        display_name TEXT NOT NULL
    );
    CREATE TABLE asks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        topic TEXT,
        option_order TEXT NOT NULL,
        kind TEXT NOT NULL,
        message_id INTEGER,
        asked_at TEXT NOT NULL,
        closes_at TEXT,
        closed_at TEXT
    );
    CREATE INDEX asks_by_chat ON asks(chat_id, question_id);
    CREATE TABLE answers (
        ask_id INTEGER NOT NULL REFERENCES asks(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        choice INTEGER NOT NULL,
        correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
        answered_at TEXT NOT NULL,
        PRIMARY KEY (ask_id, user_id)
    );
    CREATE INDEX answers_by_user ON answers(user_id);
    CREATE TABLE streaks (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        current INTEGER NOT NULL DEFAULT 0 CHECK (current >= 0),
        best INTEGER NOT NULL DEFAULT 0 CHECK (best >= current),
        PRIMARY KEY (chat_id, user_id)
    );
    """,
    # 2: daily pushes, per-chat answer window, the chat's day streak, deliveries.
    """
    ALTER TABLE chats ADD COLUMN timezone TEXT;
    ALTER TABLE chats ADD COLUMN daily_time TEXT;
    ALTER TABLE chats ADD COLUMN next_push_at TEXT;
    ALTER TABLE chats ADD COLUMN paused_reason TEXT;
    ALTER TABLE chats ADD COLUMN answer_seconds INTEGER;
    ALTER TABLE chats ADD COLUMN day_streak INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN last_correct_day TEXT;
    CREATE INDEX chats_due ON chats(next_push_at) WHERE next_push_at IS NOT NULL;
    CREATE INDEX asks_open ON asks(closes_at) WHERE closed_at IS NULL AND closes_at IS NOT NULL;
    CREATE TABLE deliveries (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        ask_id INTEGER NOT NULL REFERENCES asks(id) ON DELETE CASCADE,
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, local_date)
    );
    CREATE INDEX deliveries_by_ask ON deliveries(ask_id);
    CREATE INDEX asks_unsent_daily ON asks(id) WHERE kind = 'daily' AND message_id IS NULL;
    """,
    # 3: spaced-repetition cards and mock exams.
    """
    CREATE TABLE reviews (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        card TEXT NOT NULL,
        due TEXT NOT NULL,
        last_review TEXT NOT NULL,
        PRIMARY KEY (user_id, question_id)
    );
    CREATE INDEX reviews_due ON reviews(user_id, due);
    CREATE TABLE exams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
        question_ids TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        finished_at TEXT,
        abandoned INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX exams_one_open ON exams(user_id) WHERE finished_at IS NULL;
    CREATE INDEX exams_running ON exams(ends_at) WHERE finished_at IS NULL;
    ALTER TABLE asks ADD COLUMN exam_id INTEGER REFERENCES exams(id) ON DELETE CASCADE;
    ALTER TABLE asks ADD COLUMN exam_position INTEGER;
    CREATE INDEX asks_by_exam ON asks(exam_id) WHERE exam_id IS NOT NULL;
    """,
)

StreakRule = Callable[[Streak, bool], Streak]
ReviewRule = Callable[[str | None], CardState]
DayStreakRule = Callable[[date | None, int, date], tuple[date, int]]


class SchemaError(RuntimeError):
    """The database was written by a newer version of the bot."""


def _ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _ask(row: aiosqlite.Row) -> Ask:
    return Ask(
        id=row["id"],
        chat_id=row["chat_id"],
        question_id=row["question_id"],
        topic=row["topic"],
        option_order=tuple(int(part) for part in row["option_order"].split(",")),
        kind=row["kind"],
        asked_at=datetime.fromisoformat(row["asked_at"]),
        message_id=row["message_id"],
        closes_at=_dt(row["closes_at"]),
        closed_at=_dt(row["closed_at"]),
        exam_id=row["exam_id"],
        exam_position=row["exam_position"],
    )


def _exam(row: aiosqlite.Row) -> Exam:
    return Exam(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        question_ids=tuple(row["question_ids"].split(",")),
        started_at=datetime.fromisoformat(row["started_at"]),
        ends_at=datetime.fromisoformat(row["ends_at"]),
        finished_at=_dt(row["finished_at"]),
        abandoned=bool(row["abandoned"]),
    )


def _chat(row: aiosqlite.Row) -> ChatState:
    return ChatState(
        id=row["id"],
        type=row["type"],
        title=row["title"],
        timezone=row["timezone"],
        daily_time=row["daily_time"],
        next_push_at=_dt(row["next_push_at"]),
        paused_reason=row["paused_reason"],
        answer_seconds=row["answer_seconds"],
        day_streak=row["day_streak"],
        last_correct_day=(date.fromisoformat(row["last_correct_day"])
                          if row["last_correct_day"] else None),
    )


class Store:
    """The bot's database: chats, users, asks, answers and streaks."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        # Writes share one connection, and the lock keeps each transaction whole when
        # coroutines interleave. Reads use their own connection: under WAL they see only
        # committed data and never wait for a write.
        self._db = writer
        self._reader = reader
        self._lock = asyncio.Lock()
        # What `remember` last wrote, so the common case (nothing changed) costs no write.
        self._known_chats: dict[int, tuple[str, str | None]] = {}
        self._known_users: dict[int, str] = {}

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`."""
        writer = await _connect(path)
        try:
            await writer.execute("PRAGMA journal_mode = WAL")
            await writer.execute("PRAGMA synchronous = NORMAL")
            await _migrate(writer)
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        await reader.execute("PRAGMA query_only = ON")
        return cls(writer, reader)

    async def close(self) -> None:
        """Close the connections; everything acknowledged is already committed."""
        await self._reader.close()
        await self._db.close()

    async def schema_version(self) -> int:
        """The PRAGMA user_version of the open database."""
        return await _version(self._reader)

    async def _write(self, sql: str, params: tuple) -> aiosqlite.Cursor:
        """One statement on its own: atomic by itself, so no BEGIN/COMMIT round trips."""
        async with self._lock:
            return await self._db.execute(sql, params)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def remember(
        self,
        at: datetime,
        chat: tuple[int, str, str | None] | None = None,
        user: tuple[int, str] | None = None,
    ) -> None:
        """Record the chat (id, type, title) and the user (id, name) an update came from.

        Hearing from a chat means the bot can write there again, so a pause ends.
        """
        if chat is not None and self._known_chats.get(chat[0]) == chat[1:]:
            chat = None
        if user is not None and self._known_users.get(user[0]) == user[1]:
            user = None
        if chat is None and user is None:
            return
        async with self._transaction() as db:
            if chat is not None:
                await db.execute(
                    "INSERT INTO chats (id, type, title, created_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET type = excluded.type,"
                    " title = excluded.title, paused_reason = NULL",
                    (*chat, _ts(at)),
                )
            if user is not None:
                await db.execute(
                    "INSERT INTO users (id, display_name) VALUES (?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name",
                    user,
                )
        if chat is not None:
            self._known_chats[chat[0]] = chat[1:]
        if user is not None:
            self._known_users[user[0]] = user[1]

    async def create_ask(
        self,
        chat_id: int,
        question_id: str,
        topic: str | None,
        option_order: tuple[int, ...],
        kind: str,
        asked_at: datetime,
        closes_at: datetime | None = None,
        exam: tuple[int, int] | None = None,
    ) -> Ask:
        """Record a question put to a chat, before its message is sent.

        `exam` is (exam id, position) for a question of a mock exam.
        """
        exam_id, position = exam if exam else (None, None)
        cursor = await self._write(
            "INSERT INTO asks (chat_id, question_id, topic, option_order, kind, asked_at,"
            " closes_at, exam_id, exam_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                question_id,
                topic,
                ",".join(map(str, option_order)),
                kind,
                _ts(asked_at),
                _ts(closes_at) if closes_at else None,
                exam_id,
                position,
            ),
        )
        ask_id = cursor.lastrowid
        return Ask(ask_id, chat_id, question_id, topic, option_order, kind, asked_at,
                   closes_at=closes_at, exam_id=exam_id, exam_position=position)

    async def set_ask_message(self, ask_id: int, message_id: int) -> None:
        """Link an ask to the message that shows it."""
        await self._write("UPDATE asks SET message_id = ? WHERE id = ?", (message_id, ask_id))

    async def _fetchall(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        return list(await self._reader.execute_fetchall(sql, params))

    async def get_ask(self, ask_id: int) -> Ask | None:
        """The ask with this id, or None."""
        rows = await self._fetchall("SELECT * FROM asks WHERE id = ?", (ask_id,))
        return _ask(rows[0]) if rows else None

    async def ask_history(self, chat_id: int) -> dict[str, AskHistory]:
        """Per question id: how often and when last this chat was asked it."""
        return (await self.ask_histories([chat_id]))[chat_id]

    async def ask_histories(self, chat_ids: list[int]) -> dict[int, dict[str, AskHistory]]:
        """`ask_history` for many chats in one query (the daily push round's batch)."""
        histories: dict[int, dict[str, AskHistory]] = {chat_id: {} for chat_id in chat_ids}
        if not chat_ids:
            return histories
        marks = ",".join("?" * len(chat_ids))
        rows = await self._fetchall(
            "SELECT chat_id, question_id, COUNT(*) AS times, MAX(asked_at) AS last_asked"
            f" FROM asks WHERE chat_id IN ({marks}) GROUP BY chat_id, question_id",
            tuple(chat_ids),
        )
        for row in rows:
            histories[row["chat_id"]][row["question_id"]] = AskHistory(
                row["times"], datetime.fromisoformat(row["last_asked"]))
        return histories

    async def record_answer(
        self,
        ask: Ask,
        user_id: int,
        choice: int,
        correct: bool,
        answered_at: datetime,
        advance: StreakRule | None,
        day: tuple[date, DayStreakRule] | None = None,
        review: ReviewRule | None = None,
    ) -> AnswerOutcome:
        """Record a member's first answer to an ask and all that follows from it, atomically.

        `advance` moves the member's streak (None: leave it, as in exams); `day` (the chat's
        local date and its rule) moves the chat's day streak on a right answer; `review`
        turns the member's card for the question (JSON, or None if new) into its next state.
        A second answer by the same member changes nothing and reports recorded=False,
        with the choice that was counted.
        """
        async with self._transaction() as db:
            # The insert and the read of everything the rules need do not depend on each
            # other's order, so both go to the database thread at once.
            cursor, rows = await asyncio.gather(db.execute(
                "INSERT INTO answers (ask_id, user_id, choice, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (ask_id, user_id) DO NOTHING",
                (ask.id, user_id, choice, int(correct), _ts(answered_at)),
            ), db.execute_fetchall(
                "SELECT (SELECT current FROM streaks WHERE chat_id = :chat AND user_id = :user)"
                " AS current,"
                " (SELECT best FROM streaks WHERE chat_id = :chat AND user_id = :user) AS best,"
                " (SELECT day_streak FROM chats WHERE id = :chat) AS day_streak,"
                " (SELECT last_correct_day FROM chats WHERE id = :chat) AS last_day,"
                " (SELECT card FROM reviews WHERE user_id = :user AND question_id = :question)"
                " AS card,"
                " (SELECT choice FROM answers WHERE ask_id = :ask AND user_id = :user) AS choice,"
                " (SELECT correct FROM answers WHERE ask_id = :ask AND user_id = :user)"
                " AS was_correct",
                {"chat": ask.chat_id, "user": user_id, "question": ask.question_id,
                 "ask": ask.id},
            ))
            now = next(iter(rows))
            streak = Streak(now["current"] or 0, now["best"] or 0)
            # Only a duplicate tap leaves the insert without effect, and then the earlier
            # answer was there before either statement ran.
            if cursor.rowcount != 1:
                return AnswerOutcome(False, bool(now["was_correct"]), now["choice"], streak)
            writes: list[tuple[str, tuple]] = []
            if advance is not None:
                streak = advance(streak, correct)
                writes.append((
                    "INSERT INTO streaks (chat_id, user_id, current, best) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (chat_id, user_id) DO UPDATE"
                    " SET current = excluded.current, best = excluded.best",
                    (ask.chat_id, user_id, streak.current, streak.best),
                ))
            if correct and day is not None:
                today, rule = day
                last = date.fromisoformat(now["last_day"]) if now["last_day"] else None
                new_day, days = rule(last, now["day_streak"] or 0, today)
                writes.append((
                    "UPDATE chats SET day_streak = ?, last_correct_day = ? WHERE id = ?",
                    (days, new_day.isoformat(), ask.chat_id),
                ))
            if review is not None:
                card = review(now["card"])
                writes.append((
                    "INSERT INTO reviews (user_id, question_id, card, due, last_review)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, question_id) DO UPDATE"
                    " SET card = excluded.card, due = excluded.due,"
                    " last_review = excluded.last_review",
                    (user_id, ask.question_id, card.data, _ts(card.due), _ts(answered_at)),
                ))
            # Different rows of different tables: queued together, one wait. A failure
            # raises here and the transaction rolls back as a whole.
            await asyncio.gather(*(db.execute(sql, params) for sql, params in writes))
        return AnswerOutcome(True, correct, choice, streak)

    async def member_stats(self, chat_id: int, user_id: int) -> MemberStats:
        """A member's answered and correct counts and streak in one chat."""
        (row,) = await self._fetchall(
            "SELECT COUNT(*) AS answered, COALESCE(SUM(answers.correct), 0) AS correct,"
            " (SELECT current FROM streaks WHERE chat_id = ? AND user_id = ?) AS current,"
            " (SELECT best FROM streaks WHERE chat_id = ? AND user_id = ?) AS best"
            " FROM answers JOIN asks ON asks.id = answers.ask_id"
            " WHERE asks.chat_id = ? AND answers.user_id = ?",
            (chat_id, user_id) * 3,
        )
        streak = Streak(row["current"] or 0, row["best"] or 0)
        return MemberStats(row["answered"], row["correct"], streak)


    # -- chats: settings, pauses, migration --------------------------------------------------

    async def chat_state(self, chat_id: int) -> ChatState | None:
        """A chat's settings and standing, or None for a chat never seen."""
        rows = await self._fetchall("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return _chat(rows[0]) if rows else None

    async def set_daily(
        self, chat_id: int, daily_time: str | None, timezone: str | None,
        next_push_at: datetime | None,
    ) -> None:
        """Set (or, with Nones, clear) a chat's daily push; a new schedule also unpauses."""
        await self._write(
            "UPDATE chats SET daily_time = ?, timezone = COALESCE(?, timezone),"
            " next_push_at = ?, paused_reason = NULL WHERE id = ?",
            (daily_time, timezone, _ts(next_push_at) if next_push_at else None, chat_id),
        )

    async def set_answer_seconds(self, chat_id: int, seconds: int | None) -> None:
        """Set a group's answer window (None = the bot's default)."""
        await self._write("UPDATE chats SET answer_seconds = ? WHERE id = ?", (seconds, chat_id))

    async def pause_chat(self, chat_id: int, reason: str) -> None:
        """Stop pushing to a chat (blocked, removed, not found), keeping why."""
        self._known_chats.pop(chat_id, None)  # so the next update from it resumes it
        await self._write("UPDATE chats SET paused_reason = ? WHERE id = ?", (reason, chat_id))

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Carry a group's data over to the supergroup it became."""
        self._known_chats.pop(old_id, None)
        self._known_chats.pop(new_id, None)
        async with self._transaction() as db:
            new_asks = await _one(db, "SELECT COUNT(*) AS n FROM asks WHERE chat_id = ?",
                                  (new_id,))
            if new_asks["n"] == 0:
                # A row made by an early update from the new chat holds nothing yet.
                await db.execute("DELETE FROM chats WHERE id = ?", (new_id,))
                await db.execute("UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?",
                                 (new_id, old_id))
                return
            for table in ("asks", "deliveries", "streaks"):
                await db.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?",
                                 (new_id, old_id))
            await db.execute("DELETE FROM chats WHERE id = ?", (old_id,))

    # -- daily pushes ------------------------------------------------------------------------

    async def due_pushes(self, now: datetime, limit: int = 500) -> list[ChatState]:
        """Unpaused chats whose next push is due, earliest first."""
        rows = await self._fetchall(
            "SELECT * FROM chats WHERE next_push_at IS NOT NULL AND next_push_at <= ?"
            " AND paused_reason IS NULL ORDER BY next_push_at LIMIT ?",
            (_ts(now), limit),
        )
        return [_chat(row) for row in rows]

    async def skip_push(self, chat_id: int, due: datetime, next_at: datetime) -> bool:
        """Move a stale push on without sending; False if another run already moved it."""
        cursor = await self._write(
            "UPDATE chats SET next_push_at = ? WHERE id = ? AND next_push_at = ?",
            (_ts(next_at), chat_id, _ts(due)),
        )
        return cursor.rowcount == 1

    async def claim_pushes(self, claims: list[PushClaim]) -> list[Ask]:
        """Claim today's push for each chat: record its ask and delivery, move its schedule.

        One transaction for the whole batch. A claim whose schedule already moved on, or
        whose chat already had its push on that local date, yields no ask (only the
        schedule moves on).
        """
        asks: list[Ask] = []
        async with self._transaction() as db:
            for claim in claims:
                moved = await db.execute(
                    "UPDATE chats SET next_push_at = ? WHERE id = ? AND next_push_at = ?",
                    (_ts(claim.next_at), claim.chat_id, _ts(claim.due)),
                )
                if moved.rowcount != 1:
                    continue
                cursor = await db.execute(
                    "INSERT INTO asks (chat_id, question_id, topic, option_order, kind, asked_at,"
                    " closes_at) VALUES (?, ?, NULL, ?, 'daily', ?, ?)",
                    (claim.chat_id, claim.question_id, ",".join(map(str, claim.option_order)),
                     _ts(claim.asked_at), _ts(claim.closes_at) if claim.closes_at else None),
                )
                ask_id = cursor.lastrowid
                delivery = await db.execute(
                    "INSERT INTO deliveries (chat_id, local_date, ask_id, claimed_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, local_date) DO NOTHING",
                    (claim.chat_id, claim.local_day.isoformat(), ask_id, _ts(claim.asked_at)),
                )
                if delivery.rowcount != 1:  # that day was already pushed
                    await db.execute("DELETE FROM asks WHERE id = ?", (ask_id,))
                    continue
                asks.append(Ask(ask_id, claim.chat_id, claim.question_id, None,
                                claim.option_order, "daily", claim.asked_at,
                                closes_at=claim.closes_at))
        return asks

    async def complete_push(self, ask_id: int, message_id: int) -> None:
        """Record that a claimed push reached its chat as `message_id` (one statement)."""
        await self._write("UPDATE asks SET message_id = ? WHERE id = ?", (message_id, ask_id))

    async def drop_push(self, ask_id: int) -> None:
        """Forget a claimed push that could not be delivered (its delivery goes with it)."""
        await self._write("DELETE FROM asks WHERE id = ?", (ask_id,))

    async def unsent_pushes(self) -> list[Ask]:
        """Claimed pushes with no message: a run stopped between claiming and sending."""
        rows = await self._fetchall(
            "SELECT * FROM asks WHERE kind = 'daily' AND message_id IS NULL ORDER BY id"
        )
        return [_ask(row) for row in rows]

    # -- group answer windows ----------------------------------------------------------------

    async def asks_to_close(self, now: datetime, limit: int = 100) -> list[Ask]:
        """Open asks whose answer window has ended."""
        rows = await self._fetchall(
            "SELECT * FROM asks WHERE closed_at IS NULL AND closes_at IS NOT NULL"
            " AND closes_at <= ? ORDER BY closes_at LIMIT ?",
            (_ts(now), limit),
        )
        return [_ask(row) for row in rows]

    async def open_ask(self, chat_id: int, now: datetime) -> Ask | None:
        """The chat's question whose answer window is still running, if any."""
        rows = await self._fetchall(
            "SELECT * FROM asks WHERE chat_id = ? AND closed_at IS NULL AND closes_at > ?"
            " ORDER BY closes_at DESC LIMIT 1",
            (chat_id, _ts(now)),
        )
        return _ask(rows[0]) if rows else None

    async def close_ask(self, ask_id: int, at: datetime) -> bool:
        """Mark an ask closed; False if it already was (someone else closes it)."""
        cursor = await self._write(
            "UPDATE asks SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (_ts(at), ask_id)
        )
        return cursor.rowcount == 1

    async def ask_answers(self, ask: Ask) -> list[MemberAnswer]:
        """Every member's answer to an ask, in answer order, with their streak now."""
        rows = await self._fetchall(
            "SELECT answers.user_id, users.display_name, answers.choice, answers.correct,"
            " COALESCE(streaks.current, 0) AS current, COALESCE(streaks.best, 0) AS best"
            " FROM answers JOIN users ON users.id = answers.user_id"
            " LEFT JOIN streaks ON streaks.chat_id = ? AND streaks.user_id = answers.user_id"
            " WHERE answers.ask_id = ? ORDER BY answers.answered_at, answers.user_id",
            (ask.chat_id, ask.id),
        )
        return [
            MemberAnswer(row["user_id"], row["display_name"], row["choice"],
                         bool(row["correct"]), Streak(row["current"], row["best"]))
            for row in rows
        ]

    async def leaderboard(
        self, chat_id: int, since: datetime | None = None, limit: int = 10
    ) -> list[LeaderRow]:
        """Members of a chat ranked by right answers, then accuracy (optionally since a time)."""
        rows = await self._fetchall(
            "SELECT answers.user_id, users.display_name, COUNT(*) AS answered,"
            " SUM(answers.correct) AS correct, COALESCE(MAX(streaks.best), 0) AS best"
            " FROM answers JOIN asks ON asks.id = answers.ask_id"
            " JOIN users ON users.id = answers.user_id"
            " LEFT JOIN streaks ON streaks.chat_id = asks.chat_id"
            "  AND streaks.user_id = answers.user_id"
            " WHERE asks.chat_id = ? AND answers.answered_at >= ?"
            " GROUP BY answers.user_id"
            " ORDER BY correct DESC, CAST(correct AS REAL) / COUNT(*) DESC, best DESC,"
            "  users.display_name LIMIT ?",
            (chat_id, _ts(since) if since else "", limit),
        )
        return [LeaderRow(row["user_id"], row["display_name"], row["answered"],
                          row["correct"], row["best"]) for row in rows]


    # -- spaced repetition --------------------------------------------------------------------

    async def due_reviews(self, user_id: int, now: datetime, limit: int = 50) -> list[str]:
        """Question ids whose card is due for a learner, most overdue first."""
        rows = await self._fetchall(
            "SELECT question_id FROM reviews WHERE user_id = ? AND due <= ?"
            " ORDER BY due LIMIT ?",
            (user_id, _ts(now), limit),
        )
        return [row["question_id"] for row in rows]

    async def review_summary(self, user_id: int, now: datetime) -> tuple[int, datetime | None]:
        """How many of a learner's cards are due now, and when the next one falls due."""
        (row,) = await self._fetchall(
            "SELECT SUM(due <= ?) AS due_now, MIN(CASE WHEN due > ? THEN due END) AS next_due"
            " FROM reviews WHERE user_id = ?",
            (_ts(now), _ts(now), user_id),
        )
        return row["due_now"] or 0, _dt(row["next_due"])

    async def card(self, user_id: int, question_id: str) -> CardState | None:
        """A learner's card for one question, if they have answered it."""
        rows = await self._fetchall(
            "SELECT card, due FROM reviews WHERE user_id = ? AND question_id = ?",
            (user_id, question_id),
        )
        return CardState(rows[0]["card"], _dt(rows[0]["due"])) if rows else None

    async def answers_by_question(self, chat_id: int, user_id: int) -> dict[str, tuple[int, int]]:
        """(answered, correct) per question id for a member of a chat."""
        rows = await self._fetchall(
            "SELECT asks.question_id, COUNT(*) AS answered, SUM(answers.correct) AS correct"
            " FROM answers JOIN asks ON asks.id = answers.ask_id"
            " WHERE asks.chat_id = ? AND answers.user_id = ? GROUP BY asks.question_id",
            (chat_id, user_id),
        )
        return {row["question_id"]: (row["answered"], row["correct"]) for row in rows}

    # -- mock exams ----------------------------------------------------------------------------

    async def start_exam(
        self, user_id: int, chat_id: int, question_ids: list[str], started_at: datetime,
        ends_at: datetime,
    ) -> Exam:
        """Record a new exam attempt (a learner has at most one open)."""
        cursor = await self._write(
            "INSERT INTO exams (user_id, chat_id, question_ids, started_at, ends_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, chat_id, ",".join(question_ids), _ts(started_at), _ts(ends_at)),
        )
        exam_id = cursor.lastrowid
        return Exam(exam_id, user_id, chat_id, tuple(question_ids), started_at, ends_at)

    async def open_exam(self, user_id: int) -> Exam | None:
        """The learner's unfinished exam, if any."""
        rows = await self._fetchall(
            "SELECT * FROM exams WHERE user_id = ? AND finished_at IS NULL", (user_id,)
        )
        return _exam(rows[0]) if rows else None

    async def get_exam(self, exam_id: int) -> Exam | None:
        """An exam attempt by id."""
        rows = await self._fetchall("SELECT * FROM exams WHERE id = ?", (exam_id,))
        return _exam(rows[0]) if rows else None

    async def exam_progress(self, exam_id: int) -> tuple[dict[int, bool], Ask | None]:
        """Right/wrong per answered position, and the latest question shown (if any)."""
        rows = await self._fetchall(
            "SELECT asks.exam_position AS position, answers.correct AS correct"
            " FROM asks JOIN answers ON answers.ask_id = asks.id WHERE asks.exam_id = ?",
            (exam_id,),
        )
        last = await self._fetchall(
            "SELECT * FROM asks WHERE exam_id = ? ORDER BY exam_position DESC LIMIT 1",
            (exam_id,),
        )
        return ({row["position"]: bool(row["correct"]) for row in rows},
                _ask(last[0]) if last else None)

    async def finish_exam(self, exam_id: int, at: datetime, abandoned: bool = False) -> bool:
        """Close an exam; False if it was already closed."""
        cursor = await self._write(
            "UPDATE exams SET finished_at = ?, abandoned = ? WHERE id = ? AND finished_at IS NULL",
            (_ts(at), int(abandoned), exam_id),
        )
        return cursor.rowcount == 1

    async def exams_out_of_time(self, now: datetime) -> list[Exam]:
        """Open exams whose time is up."""
        rows = await self._fetchall(
            "SELECT * FROM exams WHERE finished_at IS NULL AND ends_at <= ?", (_ts(now),)
        )
        return [_exam(row) for row in rows]

    # -- privacy -------------------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> None:
        """Delete everything stored about a user: their private chat, answers, cards, streaks
        and exams (other members' data in shared chats stays)."""
        self._known_chats.pop(user_id, None)
        self._known_users.pop(user_id, None)
        async with self._transaction() as db:
            await db.execute("DELETE FROM chats WHERE id = ? AND type = 'private'", (user_id,))
            await db.execute("DELETE FROM users WHERE id = ?", (user_id,))

    async def forget_member(self, chat_id: int, user_id: int) -> None:
        """Delete a member's answers, streak and exams in one chat."""
        async with self._transaction() as db:
            await db.execute(
                "DELETE FROM answers WHERE user_id = ?"
                " AND ask_id IN (SELECT id FROM asks WHERE chat_id = ?)",
                (user_id, chat_id),
            )
            await db.execute("DELETE FROM streaks WHERE chat_id = ? AND user_id = ?",
                             (chat_id, user_id))
            await db.execute("DELETE FROM exams WHERE chat_id = ? AND user_id = ?",
                             (chat_id, user_id))


async def _connect(path: Path | str) -> aiosqlite.Connection:
    db = await aiosqlite.connect(str(path), isolation_level=None)
    db.row_factory = aiosqlite.Row
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA busy_timeout = 5000")
    return db


async def _one(db: aiosqlite.Connection, sql: str, params: tuple | dict) -> aiosqlite.Row | None:
    rows = await db.execute_fetchall(sql, params)
    return next(iter(rows), None)


async def _version(db: aiosqlite.Connection) -> int:
    return int((await _one(db, "PRAGMA user_version", ()))[0])


async def _migrate(db: aiosqlite.Connection) -> None:
    """Bring a database up to the newest schema, one version per transaction."""
    version = await _version(db)
    if version > len(MIGRATIONS):
        raise SchemaError(
            f"the database has schema version {version}, newer than this bot knows "
            f"({len(MIGRATIONS)}); upgrade the bot"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
