"""Settings read from the environment (or a `.env` file loaded by the CLI)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BUNDLED_QUESTIONS = Path(__file__).resolve().parent.parent / "questions"
DEFAULT_API_URL = "https://api.telegram.org"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None
    api_url: str = DEFAULT_API_URL
    database_path: Path = Path("quiz-tutor.sqlite3")
    questions_dir: Path = BUNDLED_QUESTIONS
    default_timezone: str = "UTC"
    group_answer_seconds: int = 60
    log_level: str = "INFO"

    @property
    def base_url(self) -> str:
        """Bot API method root handed to python-telegram-bot."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """Bot API file root handed to python-telegram-bot."""
        return f"{self.api_url}/file/bot"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: the process environment); raise ConfigError."""
    env = os.environ if env is None else env

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    api_url = (get("TELEGRAM_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_URL must start with http:// or https://, got {api_url!r}")

    timezone = get("DEFAULT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"DEFAULT_TIMEZONE {timezone!r} is not an IANA time zone (e.g. Europe/Berlin)"
        ) from exc

    raw_seconds = get("GROUP_ANSWER_SECONDS") or "60"
    try:
        seconds = int(raw_seconds)
    except ValueError:
        seconds = 0
    if not 10 <= seconds <= 86_400:
        raise ConfigError(
            f"GROUP_ANSWER_SECONDS must be a whole number from 10 to 86400, got {raw_seconds!r}"
        )

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")

    questions = get("QUESTIONS_DIR")
    return Settings(
        token=get("TELEGRAM_BOT_TOKEN"),
        api_url=api_url,
        database_path=Path(get("DATABASE_PATH") or "quiz-tutor.sqlite3"),
        questions_dir=Path(questions) if questions else BUNDLED_QUESTIONS,
        default_timezone=timezone,
        group_answer_seconds=seconds,
        log_level=log_level,
    )
