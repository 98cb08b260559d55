import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liangze.core.models import BaseModel
from liangze.jobs.kinds import job_kind_label


def job_input_path(instance: "Job", filename: str) -> str:
    """jobs/<uuid>/<name> in private storage: the random folder keeps names from colliding."""
    return f"jobs/{uuid.uuid4().hex}/{filename}"


class Job(BaseModel):
    """A long piece of work a person started, run by the task worker, watched on /jobs/<id>/.

    Status moves queued → running → succeeded or failed, each move by compare-and-set, so a job
    runs at most once and a finished job never moves again. `division` is the starter's home
    division (None for administrators), for scoping; only the starter and administrators see a job.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    # No `choices`: the apps that own the work register their kinds (jobs/kinds.py), and a new
    # kind must not need a migration of this app. Values are checked by `job_create`.
    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    params = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to=job_input_path, max_length=255, blank=True)
    input_name = models.CharField(_("file"), max_length=255, blank=True)
    # The starter's language: the worker writes the job's messages in it.
    language = models.CharField(max_length=10, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)  # 0 while the size is unknown
    message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    error_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task_result_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life from the worker running the job (jobs/heartbeat.py); a running job
    # without one for LIANGZE_JOB_STALE_SECONDS is failed by the stale sweep.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="job_starter_idx"),
            models.Index(fields=["status", "finished_at"], name="job_status_finished_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="job_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["succeeded", "failed"], finished_at__isnull=False)
                | Q(status__in=["queued", "running"], finished_at__isnull=True),
                name="job_finished_at_iff_finished",
            ),
            models.CheckConstraint(
                condition=Q(progress_total=0) | Q(progress_done__lte=F("progress_total")),
                name="job_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_kind_display(self) -> str:
        return job_kind_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ScheduledRun(models.Model):
    """One slot of one periodic job (jobs/schedule.py) that has been enqueued.

    The unique (name, slot) pair is the whole of the scheduler's idempotency: whoever inserts the
    row enqueues the task, in the same transaction; a second scheduler, or a restart, fails to
    insert and enqueues nothing.
    """

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-slot", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot.isoformat()}"
