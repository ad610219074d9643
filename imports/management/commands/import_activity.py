"""python manage.py import_activity FILE --post <public_id> [--dry-run] [--as EMAIL]

The same checks and the same all-or-nothing import as the web flow. Prints counts per sheet and
every error (sheet, line, column, message); never a name."""

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from imports import services
from imports.format import CREATION_ORDER, SHEETS_BY_TYPE
from iscg.planner_statistics import analyze, tables_of
from organisation.models import Post


class Command(BaseCommand):
    help = "Import past activity (persons, referrals, follow-ups, interventions, orientations) into a post."

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX workbook, CSV file or zip of CSV files")
        parser.add_argument("--post", required=True, help="public id of the post")
        parser.add_argument("--dry-run", action="store_true", help="check only: write nothing")
        parser.add_argument(
            "--as", dest="user", default="", help="e-mail of the ISCG or coordinator recorded as importer"
        )

    def handle(self, *args, **options):
        translation.activate("fr")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s.") % {"path": path})
        try:
            post = Post.objects.select_related("department").get(public_id=uuid.UUID(options["post"]))
        except (ValueError, Post.DoesNotExist) as error:
            raise CommandError(_("Unknown post: %(post)s.") % {"post": options["post"]}) from error
        user = self._importer(post, options["user"])
        content = path.read_bytes()

        def progress(label, done):
            self.stdout.write(f"  {label}: {done}")

        batch, result = services.import_now(
            post=post, by=user, content=content, file_name=path.name, dry_run=options["dry_run"], progress=progress
        )
        counts = result.counts if result is not None else batch.counts
        errors = [error.as_dict() for error in result.errors] if result is not None else batch.errors
        error_count = len(result.errors) if result is not None else batch.error_count
        for record_type in CREATION_ORDER:
            if record_type in counts:
                sheet = counts[record_type]
                self.stdout.write(
                    _("%(sheet)s: %(rows)s lines, %(new)s to create, %(existing)s already imported")
                    % {"sheet": SHEETS_BY_TYPE[record_type].name, **sheet}
                )
        for error in errors:
            self.stderr.write(f"{error['sheet']} l.{error['line'] or '-'} [{error['column']}] {error['message']}")
        if errors:
            raise CommandError(_("%(count)s errors: nothing was imported.") % {"count": error_count})
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(_("Dry run: the file is valid, nothing was written.")))
        else:
            analyze(tables_of(["casework", "referrals"]))  # a bulk load: statistics now, not at autovacuum's pace
            self.stdout.write(self.style.SUCCESS(_("Imported: batch %(batch)s.") % {"batch": batch.public_id}))

    def _importer(self, post: Post, email: str) -> User:
        """The user recorded as importer: given, else the first ISCG currently assigned to the post."""
        if email:
            user = User.objects.filter(email__iexact=email, role__in=[Role.ISCG, Role.COORDINATOR]).first()
            if user is None:
                raise CommandError(_("No ISCG or coordinator with the e-mail address %(email)s.") % {"email": email})
            return user
        assignment = post.assignments.current().select_related("user").order_by("starts_on", "pk").first()
        if assignment is None:
            raise CommandError(_("The post has no social worker assigned: pass --as EMAIL."))
        return assignment.user
