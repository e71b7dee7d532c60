"""Refresh the deadline table when a record it is derived from changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from agreements.models import AgreementVersion, Dispute, JointReview
from placements.models import HealthExamination, Placement
from sip.models import PlanVersion, Sip, SipMeeting

from . import sync


@receiver(post_save, sender=Placement)
def _placement(sender: Any, instance: Placement, **kwargs: Any) -> None:
    sync.refresh_placement(instance.pk)


@receiver(post_save, sender=HealthExamination)
@receiver(post_delete, sender=HealthExamination)
def _exam(sender: Any, instance: HealthExamination, **kwargs: Any) -> None:
    sync.refresh_placement(instance.placement_id)


@receiver(post_save, sender=AgreementVersion)
def _agreement(sender: Any, instance: AgreementVersion, **kwargs: Any) -> None:
    sync.refresh_placement(instance.agreement.placement_id)


@receiver(post_save, sender=JointReview)
def _review(sender: Any, instance: JointReview, **kwargs: Any) -> None:
    sync.refresh_placement(instance.version.agreement.placement_id)


@receiver(post_save, sender=Sip)
@receiver(post_save, sender=SipMeeting)
@receiver(post_save, sender=PlanVersion)
def _sip(sender: Any, instance: Any, **kwargs: Any) -> None:
    sync.refresh_sip(instance.pk if sender is Sip else instance.sip_id)


@receiver(post_save, sender=Dispute)
def _dispute(sender: Any, instance: Dispute, **kwargs: Any) -> None:
    sync.refresh_dispute(instance.pk)
