"""The request id: one random id per request, shared by the access journal, the change history
(django-auditlog's correlation id) and the logs. No model import here: the logging config loads it."""

import logging
import re
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("iscg_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served (AUDITLOG_CID_GETTER)."""
    return _request_id.get()


def set_request_id(value: str | None):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside a request)."""

    def filter(self, record):
        record.request_id = _request_id.get() or "-"
        return True


# Secrets carried in a URL path (the calendar subscription's token): masked in every log line.
SECRET_PATH = re.compile(r"(/agenda/abonnement/)[^/\s\"'?]+")


def mask_secrets(text: str) -> str:
    return SECRET_PATH.sub(r"\1***", text)


class MaskSecretsFilter(logging.Filter):
    """Rewrites a log record whose message holds a secret path ("Not Found: /…/abonnement/<token>.ics",
    runserver's request lines), so that no handler ever writes the token."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
