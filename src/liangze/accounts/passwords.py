import secrets

from django.conf import settings

# No 0/O, 1/l/I: a clerk reads this password aloud or copies it onto paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password() -> str:
    """A random password that passes the validators: mixed letters and digits, never all digits."""
    length = settings.LIANGZE_ONE_TIME_PASSWORD_LENGTH
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
