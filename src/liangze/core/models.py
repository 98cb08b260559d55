from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """Timestamps every domain table carries. `update()` skips auto_now: set updated_at by hand."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
