"""The token never reaches a log line."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactingFilter, configure_logging

TOKEN = "123456:ABCdefGhIJKlmnOPQRstuVWXyz-0123456789"


@pytest.fixture(autouse=True)
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_token_is_redacted_from_messages_args_and_tracebacks(capsys):
    configure_logging("DEBUG", secrets=[TOKEN])
    log = logging.getLogger("somewhere")
    log.info("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("boom")
    logging.getLogger("httpx").info("HTTP Request: POST .../bot%s/getUpdates", TOKEN)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "/bot<token>/getMe" in err
    assert "/bot<token>/sendMessage" in err
    assert "getUpdates" not in err  # httpx request lines are not logged at INFO


def test_filter_leaves_other_records_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert RedactingFilter([TOKEN]).filter(record)
    assert record.getMessage() == "hello world"
