"""Personal API tokens: generation, hashing and lookup. Writes live in accounts.services."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from liangze.accounts.models import ApiToken

TOKEN_PREFIX = "lz_"
# Writing last_used_at on every request would turn each read into a write; a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_parts() -> tuple[str, str, str]:
    """(prefix, secret, full token text)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{TOKEN_PREFIX}{prefix}_{secret}"


def token_user(text: str):
    """The active user a token text belongs to, or None (unknown, wrong, expired, revoked)."""
    if not text.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = text.removeprefix(TOKEN_PREFIX).partition("_")
    if not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.token_hash, token_hash(secret)):
        return None
    now = timezone.now()
    if token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
