from django import forms
from django.utils.translation import gettext_lazy as _

from iscg.forms import DsfrBaseForm


class PersonReferenceForm(DsfrBaseForm):
    reference = forms.CharField(
        label=_("Reference of the person"),
        max_length=40,
        help_text=_("The 8-character reference (or the full identifier) given by the social worker of the post."),
    )
