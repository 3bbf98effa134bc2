import datetime

import factory
from django.utils import timezone

from platforms.models import (
    ConnectorKind,
    Platform,
    PlatformAccount,
    QualificationDocument,
    VerificationStatus,
)


def platform(code: str) -> Platform:
    return Platform.objects.get(code=code)


class PlatformAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformAccount

    platform = factory.LazyFunction(lambda: Platform.objects.get(code="douyin"))
    handle = factory.Sequence(lambda n: f"handle-{n}")
    connector = ConnectorKind.SANDBOX
    verification_status = VerificationStatus.VERIFIED
    enterprise_certificate_number = "91310000MA1TEST001"
    verified_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    certification_expires_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=300)
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationDocument

    kind = "business_licence"
    number = factory.Sequence(lambda n: f"DOC-{n}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


def qualified_account(team, code: str = "douyin", **kwargs) -> PlatformAccount:
    """A verified account holding every document its platform requires, all valid."""
    account = PlatformAccountFactory(team=team, platform=platform(code), **kwargs)
    for kind in account.platform.required_documents:
        DocumentFactory(account=account, kind=kind)
    return account
