from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import (
    FORMSET_LIMITS,
    TEXT_MAX_LENGTH,
    DateField,
    DateTimeField,
    IdField,
    ModelForm,
    ModelMultipleChoiceField,
    mark_required_by_rule,
)
from organisations.models import Principal, Unit
from placements.models import Placement

from .models import Consent, Intervention, Invitation, MeetingParticipant, SipMeeting


def _units() -> Any:
    return Unit.objects.select_related("principal").order_by(
        "principal__kind", "principal__name", "name"
    )


class SipForm(forms.Form):
    need_noticed_on = DateField(label=_("Need for coordination noticed on"))
    need_description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why coordination is needed"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    initiating_unit = forms.ModelChoiceField(
        label=_("Initiating unit"), queryset=Unit.objects.none()
    )
    placements = ModelMultipleChoiceField(
        label=_("Linked placements"),
        queryset=Placement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any, placements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiating_unit"].queryset = units
        self.fields["placements"].queryset = placements


class ConsentForm(ModelForm):
    scope_units = ModelMultipleChoiceField(
        label=_("Parties covered by the consent"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the consent covers every invited party."),
    )

    class Meta:
        model = Consent
        fields = ["given_by_kind", "guardian", "form", "given_on", "scope"]
        widgets = {"scope": forms.Textarea({"rows": 2})}

    def __init__(self, *args: Any, guardians: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians
        if units.exists():
            self.fields["scope_units"].queryset = units
        else:
            # No party invited yet: nothing to choose (an empty consent covers every party
            # invited later); the section is left out rather than shown empty.
            del self.fields["scope_units"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("given_by_kind") == Consent.GivenBy.GUARDIAN and not cleaned.get("guardian"):
            self.add_error("guardian", _("Choose the guardian who gave the consent."))
        return cleaned


class RevocationForm(forms.Form):
    revoked_on = DateField(label=_("Revoked on"))
    revoked_by_name = forms.CharField(label=_("Revoked by"), max_length=200)
    effective_from = DateField(label=_("Effective from"))


class InvitationForm(forms.Form):
    units = ModelMultipleChoiceField(
        label=_("Invite units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    external_name = forms.CharField(
        label=_("Other participant (name and role)"),
        required=False,
        max_length=200,
        help_text=_("For example staff of the foster home or HVB."),
    )
    invited_on = DateField(label=_("Invited on"))

    def __init__(self, *args: Any, sip: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The unit that runs the SIP does not invite itself.
        self.fields["units"].queryset = _units().exclude(pk=sip.initiating_unit_id)


class InvitationResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (Invitation.Response.ACCEPTED, _("Accept")),
            (Invitation.Response.DECLINED, _("Decline")),
            (Invitation.Response.FORWARDED, _("Forward to the right unit")),
        ],
        widget=forms.RadioSelect,
    )
    forward_to = forms.ModelChoiceField(
        label=_("Forward to"), queryset=Unit.objects.none(), required=False
    )
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Note"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args: Any, invited_unit_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Forwarded to another unit: the invited unit itself is no choice (R-SIP-4).
        self.fields["forward_to"].queryset = _units().exclude(pk=invited_unit_id)


class MeetingScheduleForm(ModelForm):
    video_link = forms.URLField(
        max_length=500, label=_("Video link"), required=False, assume_scheme="https"
    )

    class Meta:
        model = SipMeeting
        fields = [
            "kind",
            "scheduled_on",
            "scheduled_time",
            "place",
            "video_link",
            "individual_offered_on",
        ]
        widgets = {"scheduled_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("place") and not cleaned.get("video_link"):
            self.add_error("place", _("Enter a place or a video link."))
        return cleaned


class MeetingHeldForm(forms.Form):
    started_at = DateTimeField(label=_("Started at"))
    ended_at = DateTimeField(label=_("Ended at"))
    individual_offered_on = DateField(
        label=_("The child and guardians were offered to take part on"), required=False
    )
    child_views = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("The child's views"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    needs = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("The child's needs"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    overall_responsible_unit = forms.ModelChoiceField(
        label=_("Overall responsibility for the plan"), queryset=Unit.objects.none(), required=False
    )
    next_follow_up_on = DateField(label=_("Next follow-up"), required=False)
    care_contact_name = forms.CharField(
        label=_("Permanent care contact (name)"), required=False, max_length=200
    )
    care_contact_unit = forms.ModelChoiceField(
        label=_("Care contact's unit"),
        queryset=Unit.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # R-SIP-3, R-SIP-5, R-SIP-6 (domain.sip.check_meeting_can_be_held, check_plan).
        mark_required_by_rule(
            self, "individual_offered_on", "needs", "overall_responsible_unit", "next_follow_up_on"
        )
        self.fields["overall_responsible_unit"].queryset = _units()
        self.fields["care_contact_unit"].queryset = _units().filter(
            principal__kind=Principal.Kind.REGION
        )


class ParticipantForm(forms.Form):
    # initial = the first choice, so an untouched extra row counts as unchanged (and is skipped).
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=MeetingParticipant.Kind.choices,
        initial=MeetingParticipant.Kind.STAFF,
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    attended = forms.BooleanField(label=_("Attended"), required=False)
    unit_id = IdField()
    related_person_id = IdField()


class InterventionForm(forms.Form):
    description = forms.CharField(label=_("Intervention"), max_length=500)
    responsible_kind = forms.ChoiceField(
        label=_("Responsible"),
        choices=Intervention.ResponsibleKind.choices,
        initial=Intervention.ResponsibleKind.UNIT,  # as ParticipantForm.kind
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.none(), required=False
    )
    responsible_name = forms.CharField(
        label=_("Responsible (name)"), required=False, max_length=200
    )
    is_health_care = forms.BooleanField(label=_("Health care"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _units()


ParticipantFormSet = formset_factory(ParticipantForm, extra=2, **FORMSET_LIMITS)
InterventionFormSet = formset_factory(InterventionForm, extra=3, **FORMSET_LIMITS)
