from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.enums import AccessRequestChannel
from iscg.forms import DateInput, DsfrBaseForm


class PersonReferenceForm(DsfrBaseForm):
    reference = forms.CharField(
        label=_("Reference of the person"),
        max_length=40,
        help_text=_("The 8-character reference (or the full identifier) of the person recorded in your post."),
    )


class AccessRequestForm(DsfrBaseForm):
    """The person's request, recorded in the access journal with the export that answers it."""

    received_on = forms.DateField(
        label=_("Date the request was received"),
        widget=DateInput,
    )
    channel = forms.ChoiceField(label=_("How the person asked"), choices=AccessRequestChannel.choices)

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The request cannot have been received in the future."))
        return received_on
