"""Structured logs: one JSON object a line, and no personal data in them."""

import json
import logging
import re
from datetime import UTC, datetime

from core.clientip import client_ip

# Standard LogRecord attributes; anything else given through ``extra=`` is added to the JSON object.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Matches start at the beginning of a run of address characters only (the lookbehind): without it, a long
# run with no "@" (a hostile query string) was scanned again from each of its characters, in n² time.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
# Follow-up tokens are secrets: never written to a log line.
# Already masked text is left alone: the filter and the formatter both scrub, and a message scrubbed
# twice read "/suivi/[jeton masqué] masqué]/".
_FOLLOW_UP = re.compile(r"(/accompagnement/suivi/)(?!\[jeton masqué\])[^/\s\"]+")


# Longer texts (a request with a huge query string) are cut once masked: a log line stays readable.
MAX_LOGGED_CHARS = 4_000


def scrub(text: str) -> str:
    """Mask e-mail addresses, phone numbers and follow-up tokens in a log message."""
    text = _EMAIL.sub("[courriel masqué]", text)
    text = _PHONE.sub("[téléphone masqué]", text)
    text = _FOLLOW_UP.sub(r"\1[jeton masqué]", text)
    if len(text) > MAX_LOGGED_CHARS:
        text = f"{text[:MAX_LOGGED_CHARS]}… [{len(text) - MAX_LOGGED_CHARS} caractères coupés]"
    return text


class PersonalDataFilter(logging.Filter):
    """Rewrite every record's message with its personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if hasattr(record, "request") and hasattr(record.request, "META"):
            # The same client address as the rate limits and the staff lockout (core/clientip.py).
            payload["client"] = client_ip(record.request)
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                # Extras such as Django's ``request`` are written as text, scrubbed like the message.
                payload[key] = value if isinstance(value, int | float | bool | None) else scrub(str(value))
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
