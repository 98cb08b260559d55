"""SMS backends, chosen by settings.LIANGZE_SMS_BACKEND like Django's email backends
(docs/architecture.md, "Notifications"). The console backend writes each message to the log; a
carrier's backend implements `send_messages` the same way."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("liangze.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            log.info("sms to=%s text=%s", message.phone, message.text)
        return len(messages)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `outbox`, for tests."""

    outbox: list[SmsMessage] = []

    def send_messages(self, messages: list[SmsMessage]) -> int:
        LocmemSmsBackend.outbox.extend(messages)
        return len(messages)


def sms_backend() -> BaseSmsBackend:
    return import_string(settings.LIANGZE_SMS_BACKEND)()
