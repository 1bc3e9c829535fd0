"""Sending text messages through a pluggable backend, the way Django sends e-mail.

`settings.SMS_BACKEND` names the class. The default prints to the console (a laptop needs no
provider); tests use the in-memory backend and read `outbox`; a real provider is a subclass of
`BaseSmsBackend` that implements `send_messages`, selected by changing the setting.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from .models import mask_phone


class SmsError(Exception):
    """The provider did not accept the message. Never carries the number or the text."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    """Subclasses implement `send_messages`; `fail_silently` as with Django's e-mail backends."""

    def __init__(self, *, fail_silently: bool = False, **kwargs) -> None:
        self.fail_silently = fail_silently

    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; return how many were accepted. Raise SmsError on failure."""
        raise NotImplementedError("subclasses of BaseSmsBackend must implement send_messages()")

    def send(self, phone: str, text: str) -> int:
        return self.send_messages([SmsMessage(phone=phone, text=text)])


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to stdout for development. The number is masked: consoles end up in logs."""

    def __init__(self, *, stream=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            self.stream.write(f"SMS to {mask_phone(message.phone)}: {message.text}\n")
        self.stream.flush()
        return len(messages)


# The in-memory outbox, like django.core.mail.outbox. Test-only: never read it in application code.
outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `palace_portal.users.sms.outbox` for tests to read."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend(backend: str | None = None, **kwargs) -> BaseSmsBackend:
    """An instance of the configured backend (or of the dotted path `backend`)."""
    cls = import_string(backend or settings.SMS_BACKEND)
    return cls(**kwargs)


def send_sms(phone: str, text: str, *, fail_silently: bool = False) -> int:
    """Send one message with the configured backend; return 1 if it was accepted."""
    backend = get_backend(fail_silently=fail_silently)
    try:
        return backend.send(phone, text)
    except SmsError:
        if fail_silently:
            return 0
        raise
