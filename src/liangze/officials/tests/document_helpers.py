"""Shared by the documents' tests."""

from django.utils import timezone

from liangze.files.tests import samples
from liangze.officials import services as official_services
from liangze.officials.documents import services
from liangze.officials.documents.models import DutyDocumentKind

PNG = samples.png(size=(60, 20))


def assigned(actor, official, business):
    return official_services.assignment_create(actor=actor, official=official, business=business)


def generate(actor, region, kinds=tuple(DutyDocumentKind.values)):
    return services.duty_documents_generate(
        actor=actor, region=region, kinds=kinds, year=timezone.localdate().year
    )
