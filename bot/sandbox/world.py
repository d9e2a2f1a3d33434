"""Telegram's side of the sandbox: users, chats and the messages in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class User:
    """A Telegram account (a person, or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        data["language_code"] = "en"
        return data

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass
class Chat:
    """A private chat, group or supergroup, with its members' statuses for the bot to ask."""

    id: int
    type: str
    title: str | None = None
    peer: User | None = None
    members: dict[int, str] = field(default_factory=dict)
    # Set when the bot may no longer write here: (error_code, description).
    blocked: tuple[int, str] | None = None
    migrated_to: int | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.peer is not None:
            data["first_name"] = self.peer.first_name
            if self.peer.last_name:
                data["last_name"] = self.peer.last_name
            if self.peer.username:
                data["username"] = self.peer.username
        else:
            data["title"] = self.title or ""
            if self.type == "group":
                data["all_members_are_administrators"] = False
        return data


@dataclass
class Message:
    """One message in a chat, as it stands after any edits."""

    chat: Chat
    message_id: int
    sender: User
    date: int
    text: str
    entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None
    edit_date: int | None = None
    reply_to: int | None = None
    html: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
            "text": self.text,
        }
        if self.entities:
            data["entities"] = self.entities
        if self.reply_markup and self.reply_markup.get("inline_keyboard"):
            data["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        return data

    @property
    def buttons(self) -> list[dict]:
        """Every inline button, row by row."""
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup.get("inline_keyboard", []) for button in row]

    def button_data(self, label: str) -> str | None:
        """The callback data of the button whose text is `label` (or starts with it)."""
        for button in self.buttons:
            if button.get("text") == label or button.get("text", "").startswith(label):
                return button.get("callback_data")
        return None


@dataclass(frozen=True)
class Fault:
    """An error the server answers instead of doing the method, for testing error paths."""

    method: str
    error_code: int
    description: str
    chat_id: int | None = None
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None
