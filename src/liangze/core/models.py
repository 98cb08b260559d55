from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """Timestamps every domain table carries. `update()` skips auto_now: set updated_at by hand."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RateLimitBucket(models.Model):
    """One token bucket of `core.ratelimit`, keyed by what it limits ("public-report:ip:…").

    `tokens` counts millionths of a token, so that refilling by the elapsed time stays an integer.
    Not a domain table: rows are disposable, and one idle past `ratelimit.RETENTION` is full
    again and may be deleted.
    """

    key = models.CharField(max_length=200, unique=True)
    tokens = models.BigIntegerField()
    updated_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key
