import re

import pytest
from django.utils import translation

from palace_portal.users import sms


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read English messages; pages default to Chinese once the catalogue is built.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code(phone: str) -> str:
    """The six digits of the last text sent to `phone` (LocmemSmsBackend)."""
    messages = [m for m in sms.outbox if m.phone == phone]
    assert messages, "no text message was sent to this number"
    return re.search(r"\b(\d{6})\b", messages[-1].text).group(1)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"
