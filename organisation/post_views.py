"""The post arrangement page: a coordinator sets a post's coverage rule and its split between forces."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from iscg.concurrency import CONFLICT_STATUS, EditConflict, form_after_conflict
from organisation import access, posts
from organisation.access import Action
from organisation.models import Post, Unit
from organisation.post_forms import CoverageForm, ShareFormSet


def post_arrangement(request, public_id):
    access.require(request.scope, Action.VIEW_POST)
    post = get_object_or_404(Post.objects.visible_to(request.scope).select_related("department"), public_id=public_id)
    access.require(request.scope, Action.MANAGE_POSTS, on_visible_object=True)
    units = Unit.objects.visible_to(request.scope).filter(department=post.department_id).order_by("name", "pk")
    data = request.POST if request.method == "POST" else None
    status = 200
    form = CoverageForm(
        data,
        units=units,
        initial={
            "coverage_rule": post.coverage_rule,
            "coverage_group": post.coverage_group_id,
            "version": post.version,
        },
    )
    shares = ShareFormSet(
        data,
        prefix="shares",
        initial=[
            {"unit": split.unit_id, "zone": split.zone, "fte": split.fte} for split in post.splits.order_by("pk")
        ],
        form_kwargs={"units": units},
    )
    if data is not None and form.is_valid() and shares.is_valid():
        try:
            posts.post_arrangement_set(
                post=post,
                coverage_rule=form.cleaned_data["coverage_rule"],
                coverage_group=form.cleaned_data.get("coverage_group"),
                shares=[
                    posts.ShareData(fte=row["fte"], unit=row.get("unit"), zone=row.get("zone") or "")
                    for row in shares.kept_data()
                ],
                version=form.cleaned_data["version"] or 0,
            )
        except EditConflict as conflict:
            form_after_conflict(form, post, conflict)
            status = CONFLICT_STATUS
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The coverage and split of the post have been saved."))
            return redirect(post)
    context = {"post": post, "form": form, "shares": shares}
    return render(request, "organisation/post_arrangement_form.html", context, status=status)
