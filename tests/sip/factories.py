"""factory_boy factories for SIPs, consents, invitations and SIP meetings. Children, guardians
and placements come from ``tests.placements.factories``."""

from __future__ import annotations

from datetime import date

import factory

from sip.models import Consent, Invitation, Sip, SipMeeting
from tests.factories import UserFactory
from tests.placements.factories import ChildFactory, RelatedPersonFactory

# The SIP tests run on Friday 15 May 2026 (the clock is frozen in tests/sip/conftest.py); the
# need for coordination was noticed a week before.
TODAY = date(2026, 5, 15)
NOTICED = date(2026, 5, 8)


class SipFactory(factory.django.DjangoModelFactory):
    """A SIP initiated by the child's responsible unit."""

    class Meta:
        model = Sip

    child = factory.SubFactory(ChildFactory)
    initiating_unit = factory.SelfAttribute("child.responsible_unit")
    need_noticed_on = NOTICED
    need_description = "Behov av samordning mellan socialtjänst, skola och BUP."
    created_by = factory.SubFactory(UserFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    """A written consent by one of the child's guardians."""

    class Meta:
        model = Consent

    sip = factory.SubFactory(SipFactory)
    given_by_kind = Consent.GivenBy.GUARDIAN
    guardian = factory.SubFactory(RelatedPersonFactory, child=factory.SelfAttribute("..sip.child"))
    form = Consent.Form.WRITTEN
    given_on = date(2026, 5, 10)
    scope = "Socialtjänsten och BUP får utbyta uppgifter om behov och insatser."
    recorded_by = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    sip = factory.SubFactory(SipFactory)
    invited_on = date(2026, 5, 11)
    invited_by = factory.SubFactory(UserFactory)


class SipMeetingFactory(factory.django.DjangoModelFactory):
    """An initial SIP meeting, scheduled, not held, with the offer to take part recorded."""

    class Meta:
        model = SipMeeting

    sip = factory.SubFactory(SipFactory)
    kind = SipMeeting.Kind.INITIAL
    scheduled_on = TODAY
    place = "Socialkontoret, Rum 3"
    individual_offered_on = date(2026, 5, 11)
    created_by = factory.SubFactory(UserFactory)
