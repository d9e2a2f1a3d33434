"""Telegram's HTML parse mode: markup in, plain text and entities out, or a parse error."""

from __future__ import annotations

from html.parser import HTMLParser

_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}


class EntityParseError(ValueError):
    """The markup is not what Telegram accepts (it answers 400 "can't parse entities")."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram's entity offsets use."""
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.position = 0
        self.stack: list[tuple[str, int, dict]] = []
        self.entities: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "span" and attributes.get("class") == "tg-spoiler":
            tag = "tg-spoiler"
        if tag not in _TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}"')
        extra = {}
        if tag == "a":
            if not attributes.get("href"):
                raise EntityParseError("Can't find end of the URL")
            extra["url"] = attributes["href"]
        self.stack.append((tag, self.position, extra))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            tag = "tg-spoiler"
        if not self.stack or self.stack[-1][0] != tag:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        _, start, extra = self.stack.pop()
        if self.position > start:
            self.entities.append(
                {"type": _TAGS[tag], "offset": start, "length": self.position - start, **extra}
            )

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.position += utf16_len(data)


def parse_html(markup: str) -> tuple[str, list[dict]]:
    """Plain text and entities (sorted by offset) for Telegram-style HTML."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    if parser.stack:
        tag = parser.stack[-1][0]
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities
