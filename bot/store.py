"""SQLite persistence through aiosqlite: the only module that speaks SQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.models import AnswerOutcome, Ask, AskHistory, MemberStats, Streak

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
)

StreakRule = Callable[[Streak, bool], Streak]


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
    )


class Store:
    """The bot's database: chats, users, asks, answers and streaks."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by every handler and job; the lock keeps each
        # transaction whole when coroutines interleave.
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`."""
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = aiosqlite.Row
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            store = cls(db)
            await store._migrate()
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        """Close the connection; everything acknowledged is already committed."""
        await self._db.close()

    async def schema_version(self) -> int:
        """The PRAGMA user_version of the open database."""
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0])

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(MIGRATIONS):
            raise SchemaError(
                f"the database has schema version {version}, newer than this bot knows "
                f"({len(MIGRATIONS)}); upgrade the bot"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            async with self._transaction() as db:
                for statement in _statements(script):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")

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

    async def remember_chat(
        self, chat_id: int, chat_type: str, title: str | None, at: datetime
    ) -> None:
        """Record a chat (or refresh its type and title)."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO chats (id, type, title, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title",
                (chat_id, chat_type, title, _ts(at)),
            )

    async def remember_user(self, user_id: int, display_name: str) -> None:
        """Record a user (or refresh the name shown on leaderboards)."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO users (id, display_name) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name",
                (user_id, display_name),
            )

    async def create_ask(
        self,
        chat_id: int,
        question_id: str,
        topic: str | None,
        option_order: tuple[int, ...],
        kind: str,
        asked_at: datetime,
        closes_at: datetime | None = None,
    ) -> Ask:
        """Record a question put to a chat, before its message is sent."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO asks (chat_id, question_id, topic, option_order, kind, asked_at,"
                " closes_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_id,
                    question_id,
                    topic,
                    ",".join(map(str, option_order)),
                    kind,
                    _ts(asked_at),
                    _ts(closes_at) if closes_at else None,
                ),
            )
            ask_id = cursor.lastrowid
        return Ask(ask_id, chat_id, question_id, topic, option_order, kind, asked_at,
                   closes_at=closes_at)

    async def set_ask_message(self, ask_id: int, message_id: int) -> None:
        """Link an ask to the message that shows it."""
        async with self._transaction() as db:
            await db.execute("UPDATE asks SET message_id = ? WHERE id = ?", (message_id, ask_id))

    async def _fetchall(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        # Reads wait for the lock too, so they never see another coroutine's open transaction.
        async with self._lock, self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def get_ask(self, ask_id: int) -> Ask | None:
        """The ask with this id, or None."""
        rows = await self._fetchall("SELECT * FROM asks WHERE id = ?", (ask_id,))
        return _ask(rows[0]) if rows else None

    async def ask_history(self, chat_id: int) -> dict[str, AskHistory]:
        """Per question id: how often and when last this chat was asked it."""
        rows = await self._fetchall(
            "SELECT question_id, COUNT(*) AS times, MAX(asked_at) AS last_asked"
            " FROM asks WHERE chat_id = ? GROUP BY question_id",
            (chat_id,),
        )
        return {
            row["question_id"]: AskHistory(row["times"], datetime.fromisoformat(row["last_asked"]))
            for row in rows
        }

    async def record_answer(
        self,
        ask: Ask,
        user_id: int,
        choice: int,
        correct: bool,
        answered_at: datetime,
        advance: StreakRule,
    ) -> AnswerOutcome:
        """Record a member's first answer to an ask and move their streak, atomically.

        A second answer by the same member changes nothing and reports recorded=False,
        with the choice that was counted.
        """
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO answers (ask_id, user_id, choice, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (ask_id, user_id) DO NOTHING",
                (ask.id, user_id, choice, int(correct), _ts(answered_at)),
            )
            recorded = cursor.rowcount == 1
            streak = await self._streak(db, ask.chat_id, user_id)
            if not recorded:
                async with db.execute(
                    "SELECT choice, correct FROM answers WHERE ask_id = ? AND user_id = ?",
                    (ask.id, user_id),
                ) as existing:
                    row = await existing.fetchone()
                return AnswerOutcome(False, bool(row["correct"]), row["choice"], streak)
            streak = advance(streak, correct)
            await db.execute(
                "INSERT INTO streaks (chat_id, user_id, current, best) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id, user_id) DO UPDATE"
                " SET current = excluded.current, best = excluded.best",
                (ask.chat_id, user_id, streak.current, streak.best),
            )
        return AnswerOutcome(True, correct, choice, streak)

    async def _streak(self, db: aiosqlite.Connection, chat_id: int, user_id: int) -> Streak:
        async with db.execute(
            "SELECT current, best FROM streaks WHERE chat_id = ? AND user_id = ?",
            (chat_id, user_id),
        ) as cursor:
            row = await cursor.fetchone()
        return Streak(row["current"], row["best"]) if row else Streak()

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


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
