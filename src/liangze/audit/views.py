from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from liangze.audit.access import can_read_audit
from liangze.audit.models import AuditAction
from liangze.audit.selectors import audit_event_list
from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden
from liangze.core.views import render_list


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"), required=False, choices=[("", "—"), *AuditAction.choices]
    )
    actor = forms.CharField(label=gettext_lazy("Actor"), required=False)
    target = forms.CharField(label=gettext_lazy("Target"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_GET
def event_list(request):
    if not can_read_audit(request.user):
        raise access_refuse(
            Forbidden(
                code="audit_forbidden",
                message=_("Only food safety office staff read the audit trail."),
            ),
            viewer=request.user,
            target_type="audit.auditevent",
        )
    form = AuditFilterForm(request.GET or None)
    form.is_valid()  # an invalid filter shows its error; the valid ones still apply
    filters = getattr(form, "cleaned_data", {})
    events = audit_event_list(viewer=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render_list(request, "audit/event_list.html", {"form": form, "page": page})
