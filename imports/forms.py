"""Import forms. The post choice is scoped: an ISCG sees their posts, a coordinator their departments'."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from iscg.forms import DsfrBaseForm
from organisation.models import Post

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # 20 MB: far above a 50,000-line workbook
ACCEPTED_SUFFIXES = (".xlsx", ".csv", ".zip")


class UploadForm(DsfrBaseForm):
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("File"),
        help_text=_("XLSX workbook, CSV file or zip of CSV files; 20 MB at most."),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = (
            Post.objects.visible_to(scope).select_related("department").order_by("department__code", "name", "pk")
        )
        self.fields["post"].label_from_instance = lambda post: f"{post.name} ({post.department.code})"
        self.fields["file"].widget.attrs["accept"] = ",".join(ACCEPTED_SUFFIXES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise ValidationError(_("Only XLSX, CSV or zip files are accepted."))
        return upload
