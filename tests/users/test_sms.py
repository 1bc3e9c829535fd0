import io

import pytest

from palace_portal.users import sms


class FailingBackend(sms.BaseSmsBackend):
    def send_messages(self, messages):
        raise sms.SmsError("provider down")


def test_console_backend_masks_the_number():
    stream = io.StringIO()
    backend = sms.ConsoleSmsBackend(stream=stream)
    assert backend.send("13812345678", "code 123456") == 1
    output = stream.getvalue()
    assert "138****5678" in output
    assert "13812345678" not in output
    assert "code 123456" in output


def test_locmem_backend_collects_messages_in_the_outbox():
    sms.LocmemSmsBackend().send_messages(
        [sms.SmsMessage("13800000001", "a"), sms.SmsMessage("13800000002", "b")]
    )
    assert [(m.phone, m.text) for m in sms.outbox] == [("13800000001", "a"), ("13800000002", "b")]


def test_send_sms_uses_the_configured_backend(settings, capsys):
    settings.SMS_BACKEND = "palace_portal.users.sms.ConsoleSmsBackend"
    assert sms.send_sms("13812345678", "hello") == 1
    assert "138****5678: hello" in capsys.readouterr().out
    assert sms.outbox == []


def test_get_backend_loads_the_class_from_settings(settings):
    settings.SMS_BACKEND = "palace_portal.users.sms.LocmemSmsBackend"
    assert isinstance(sms.get_backend(), sms.LocmemSmsBackend)
    assert isinstance(sms.get_backend("tests.users.test_sms.FailingBackend"), FailingBackend)


def test_send_sms_raises_provider_failures_unless_told_to_fail_silently(settings):
    settings.SMS_BACKEND = "tests.users.test_sms.FailingBackend"
    with pytest.raises(sms.SmsError):
        sms.send_sms("13812345678", "hello")
    assert sms.send_sms("13812345678", "hello", fail_silently=True) == 0


def test_base_backend_must_be_subclassed():
    with pytest.raises(NotImplementedError):
        sms.BaseSmsBackend().send("13812345678", "hello")
