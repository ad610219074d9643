from django.db import migrations, models

KEPT = 500


def count_and_trim(apps, schema_editor):
    """Existing batches: the total of their errors, and only the first 500 kept."""
    ImportBatch = apps.get_model("imports", "ImportBatch")
    for batch in ImportBatch.objects.exclude(errors=[]).only("pk", "errors").iterator(chunk_size=50):
        ImportBatch.objects.filter(pk=batch.pk).update(error_count=len(batch.errors), errors=batch.errors[:KEPT])


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_import_batches")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="error_count",
            field=models.PositiveIntegerField(default=0, verbose_name="number of errors"),
        ),
        migrations.RunPython(count_and_trim, migrations.RunPython.noop),
    ]
