"""Re-encrypt every encrypted column with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, then drop the old keys. Idempotent: values already under the newest key are
left alone. Logs and prints counts only.
"""

import logging

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from privacy import crypto
from privacy.fields import encrypted_fields
from privacy.migration_helpers import BATCH_SIZE, transform_column

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Re-encrypt the encrypted columns with the newest key of FIELD_ENCRYPTION_KEYS, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--dry-run", action="store_true", help="Count the values to re-encrypt, change nothing.")

    def handle(self, *args, batch_size, dry_run, **options):
        def rotated(token: str) -> str | None:
            if crypto.is_encrypted_with_newest_key(token):
                return None
            return crypto.rotate(token)

        total = 0
        for model in apps.get_models():
            for field in encrypted_fields(model):
                # One transaction per column: a failure leaves each column all-old or all-new.
                with transaction.atomic():
                    if dry_run:
                        count = self._count_stale(model, field.column, batch_size)
                    else:
                        count = transform_column(
                            connection, model=model, column=field.column, transform=rotated, batch_size=batch_size
                        )
                label = f"{model._meta.label}.{field.name}"
                logger.info("%s: %d values %s", label, count, "to re-encrypt" if dry_run else "re-encrypted")
                self.stdout.write(f"{label}: {count}")
                total += count
        verb = "to re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{total} values {verb}."))

    @staticmethod
    def _count_stale(model, column, batch_size) -> int:
        stale = 0

        def count(token: str) -> None:
            nonlocal stale
            if not crypto.is_encrypted_with_newest_key(token):
                crypto.decrypt(token)  # fails loudly if no key opens it
                stale += 1

        transform_column(connection, model=model, column=column, transform=count, batch_size=batch_size)
        return stale
