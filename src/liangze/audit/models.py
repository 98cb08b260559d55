from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every kind of domain event. Add a member here with each new service."""

    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    ACCESS_DENIED = "access_denied", _("Access denied")
    PASSWORD_CHANGED = "password_changed", _("Changed password")
    PASSWORD_CHANGE_FAILED = "password_change_failed", _("Wrong current password")
    USER_CREATED = "user_created", _("Created account")
    USER_UPDATED = "user_updated", _("Updated account")
    USER_DEACTIVATED = "user_deactivated", _("Deactivated account")
    USER_REACTIVATED = "user_reactivated", _("Reactivated account")
    USER_PASSWORD_RESET = "user_password_reset", _("Reset password")
    USER_UNLOCKED = "user_unlocked", _("Lifted login lockout")
    ROLE_GRANTED = "role_granted", _("Granted role")
    ROLE_REVOKED = "role_revoked", _("Revoked role")
    API_TOKEN_CREATED = "api_token_created", _("Created API token")
    API_TOKEN_REVOKED = "api_token_revoked", _("Revoked API token")
    DIVISIONS_IMPORTED = "divisions_imported", _("Imported division table")
    DEMO_LOADED = "demo_loaded", _("Loaded demo data")
    BUSINESS_CREATED = "business_created", _("Registered business")
    BUSINESS_UPDATED = "business_updated", _("Updated business")
    BUSINESS_REGRADED = "business_regraded", _("Changed business grade")
    BUSINESS_STATUS_CHANGED = "business_status_changed", _("Changed business status")
    BUSINESS_MOVED = "business_moved", _("Moved business")
    BUSINESS_QR_REISSUED = "business_qr_reissued", _("Reissued business QR code")
    BUSINESS_PUBLIC_REPORTED = "business_public_reported", _("Problem reported by the public")
    BUSINESSES_IMPORTED = "businesses_imported", _("Imported businesses")
    BUSINESS_EXPORTED = "business_exported", _("Exported businesses")
    REGISTER_IMPORTED = "register_imported", _("Imported the regulator's register")
    REGISTER_REPLACED = "register_replaced", _("Replaced a county's register")
    JOB_STARTED = "job_started", _("Started job")
    JOB_SUCCEEDED = "job_succeeded", _("Job succeeded")
    JOB_FAILED = "job_failed", _("Job failed")
    JOBS_PURGED = "jobs_purged", _("Purged old jobs")
    FILE_STORED = "file_stored", _("Stored file")
    OFFICIAL_CREATED = "official_created", _("Added official")
    OFFICIAL_UPDATED = "official_updated", _("Updated official")
    OFFICIAL_DEACTIVATED = "official_deactivated", _("Deactivated official")
    OFFICIAL_HANDED_OVER = "official_handed_over", _("Handed over an official's businesses")
    OFFICIALS_IMPORTED = "officials_imported", _("Imported officials")
    OFFICIAL_PASSWORD_ISSUED = "official_password_issued", _("Issued an official's first password")
    ASSIGNMENT_CREATED = "assignment_created", _("Assigned official")
    ASSIGNMENT_ENDED = "assignment_ended", _("Ended assignment")
    ASSIGNMENTS_IMPORTED = "assignments_imported", _("Imported assignments")
    DUTY_DOCUMENT_GENERATED = "duty_document_generated", _("Generated document")
    DUTY_DOCUMENT_SIGNED = "duty_document_signed", _("Signed document")
    DUTY_DOCUMENT_REJECTED = "duty_document_rejected", _("Rejected signed document")
    DUTY_DOCUMENT_TEMPLATE_UPLOADED = (
        "duty_document_template_uploaded",
        _("Replaced document template"),
    )
    DUTY_DOCUMENTS_DOWNLOADED = "duty_documents_downloaded", _("Downloaded documents archive")
    DUTY_DOCUMENT_REMINDERS_SENT = "duty_document_reminders_sent", _("Sent document reminders")
    # Enterprise duties (docs/domain.md §1.8).
    ENTERPRISE_PROFILE_UPDATED = "enterprise_profile_updated", _("Updated duties profile")
    SAFETY_DIRECTOR_APPOINTED = "safety_director_appointed", _("Appointed food-safety director")
    SAFETY_OFFICER_ADDED = "safety_officer_added", _("Added food-safety officer")
    SAFETY_PERSON_ENDED = "safety_person_ended", _("Ended a food-safety appointment")
    SAFETY_TRAINING_RECORDED = "safety_training_recorded", _("Recorded training hours")
    ENROLMENT_CODE_ISSUED = "enrolment_code_issued", _("Issued enrolment code")
    ENROLMENT_REDEEMED = "enrolment_redeemed", _("Business staff enrolled")
    RISK_LIST_SAVED = "risk_list_saved", _("Saved risk control list")
    RISK_TEMPLATE_SAVED = "risk_template_saved", _("Saved starter risk list")
    DAILY_CHECK_SUBMITTED = "daily_check_submitted", _("Submitted daily check")
    CLOSED_DAY_MARKED = "closed_day_marked", _("Marked a closed day")
    WEEKLY_REVIEW_SUBMITTED = "weekly_review_submitted", _("Submitted weekly review")
    MONTHLY_MEETING_SUBMITTED = "monthly_meeting_submitted", _("Submitted monthly minutes")
    SELF_CHECK_REMINDERS_SENT = "self_check_reminders_sent", _("Sent self-check reminders")
    PROBLEM_RECORDED = "problem_recorded", _("Recorded problem")
    NOTICE_GENERATED = "notice_generated", _("Generated quarterly notice")
    NOTICE_EDITED = "notice_edited", _("Edited quarterly notice")
    NOTICE_PUBLISHED = "notice_published", _("Published quarterly notice")
    VISIT_RECORDED = "visit_recorded", _("Recorded visit")
    VISIT_CORRECTED = "visit_corrected", _("Corrected visit")
    ENTRY_WINDOW_CLOSED = "entry_window_closed", _("Closed entry window early")
    ENTRY_WINDOW_REOPENED = "entry_window_reopened", _("Reopened entry window")
    VISIT_RULE_CHANGED = "visit_rule_changed", _("Changed visit rules")
    COVERING_RULE_CHANGED = "covering_rule_changed", _("Changed covering levels")
    LOOP_RULE_CHANGED = "loop_rule_changed", _("Changed closed-loop deadlines")
    CHECKLIST_ITEM_ADDED = "checklist_item_added", _("Added a checklist item")
    CHECKLIST_ITEM_CHANGED = "checklist_item_changed", _("Changed a checklist item")
    VISITS_EXPORTED = "visits_exported", _("Exported visits")
    PROBLEM_PUSHED = "problem_pushed", _("Pushed problem to the regulator")
    PROBLEM_ACCEPTED = "problem_accepted", _("Accepted problem")
    PROBLEM_ESCALATED = "problem_escalated", _("Filed a case on a problem")
    PROBLEM_RECTIFIED = "problem_rectified", _("Reported a fix")
    PROBLEM_VERIFIED = "problem_verified", _("Verified a fix")
    PROBLEM_RECHECKED = "problem_rechecked", _("Re-checked a problem")
    PROBLEM_REJECTED = "problem_rejected", _("Sent a fix back")
    PROBLEM_VOIDED = "problem_voided", _("Voided problem")
    PROBLEM_CLOSED_WITH_BUSINESS = "problem_closed_with_business", _("Closed with its business")
    PROBLEM_DEADLINE_CHANGED = "problem_deadline_changed", _("Changed a problem's deadline")
    PROBLEM_DISPUTED = "problem_disputed", _("Disputed a problem")
    PUBLIC_REPORT_HANDLED = "public_report_handled", _("Handled a public report")
    PROBLEM_REMINDERS_SENT = "problem_reminders_sent", _("Sent problem reminders")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("audit events are append-only")

    def delete(self):
        raise TypeError("audit events are append-only")


class AuditEvent(models.Model):
    """One domain event. Append-only: the app never updates or deletes a row, and on PostgreSQL
    a trigger (migration 0002) refuses UPDATE and DELETE from anyone.

    `division_path` is a snapshot of where the target lived, so office staff see the events of
    their subtree even after the target moved.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # No index of its own: no read filters on it (the list searches actor_name), and every event
    # of a 100,000-row import would pay for it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(max_length=150, blank=True)
    # No `choices` here: AuditAction grows with every service, and a new member must not need a
    # migration of this (large) table. Values are checked by `build_audit_event`.
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    division_path = models.CharField(max_length=80, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")

    def get_action_display(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
