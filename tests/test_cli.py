"""The `quiz-tutor` command: check, refusing to start, and `run` as a real process."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import BUNDLED_QUESTIONS
from bot.sandbox import SandboxServer
from tests.conftest import write_bank

REAL_LOOKING_TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_PATH", "QUESTIONS_DIR",
                 "LOG_LEVEL", "DEFAULT_TIMEZONE", "GROUP_ANSWER_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_check_counts_the_bundled_bank(clean_env, capsys, itil_bank):
    assert main(["check", str(BUNDLED_QUESTIONS)]) == 0
    out = capsys.readouterr().out
    assert "customers" in out
    assert "total" in out and str(len(itil_bank)) in out


def test_check_lists_every_error_and_run_refuses_the_bank(clean_env, capsys, tmp_path,
                                                          monkeypatch):
    bad = write_bank(tmp_path / "bad", {
        "one.yaml": "topic: one\ntitle: One\nquestions:\n  - id: x\n    question: Q?\n"
                    "    options: [{text: a}, {text: b}]\n    explanation: E.\n",
        "two.yaml": "topic: two\nquestions: []\n",
    })
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "one.yaml:6, question 'x', field 'options'" in err
    assert "two.yaml" in err and "field 'title'" in err

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", REAL_LOOKING_TOKEN)
    monkeypatch.setenv("QUESTIONS_DIR", str(bad))
    assert main(["run"]) == 2
    assert "question bank" in capsys.readouterr().err


def test_run_without_token_explains_and_exits_2(clean_env, capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN is not set" in err and "sandbox" in err
    assert len(err.strip().splitlines()) == 1


def test_bad_setting_is_a_clear_error(clean_env, capsys, monkeypatch):
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    assert main(["check"]) == 2
    assert "DEFAULT_TIMEZONE" in capsys.readouterr().err


async def test_run_process_plays_against_loopback_api_and_never_prints_token(tmp_path):
    server = SandboxServer(token=REAL_LOOKING_TOKEN)
    await server.start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": REAL_LOOKING_TOKEN,
           "TELEGRAM_API_URL": server.url, "DATABASE_PATH": str(tmp_path / "run.sqlite3"),
           "LOG_LEVEL": "DEBUG", "PYTHONPATH": str(PROJECT)}
    env.pop("QUESTIONS_DIR", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        alice = server.user(42, "Alice")
        chat = server.private_chat(alice)
        await server.wait_for(lambda: server.calls("getUpdates"), timeout=30)
        sent = await server.send(chat, alice, "/quiz customers")
        question = await server.next_bot_message(chat, after=sent.message_id, timeout=15)
        query = await server.tap(chat, question.message_id, alice, button="A")
        answer = await server.wait_for(lambda: server.callback_answer(query), timeout=15)
        assert answer["text"]
        verdict = await server.next_bot_message(chat, after=question.message_id, timeout=15)
        assert "streak" in verdict.text
    finally:
        process.terminate()  # SIGTERM: a clean stop
        output, _ = await asyncio.wait_for(process.communicate(), 30)
        await server.stop()
    assert process.returncode == 0
    log = output.decode()
    assert "Application started" in log or "ready:" in log
    assert REAL_LOOKING_TOKEN not in log
    assert REAL_LOOKING_TOKEN.split(":")[1] not in log
