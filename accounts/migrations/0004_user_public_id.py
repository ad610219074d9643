import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    batch = []
    for user in User.objects.filter(public_id__isnull=True).only("pk").iterator(chunk_size=1000):
        user.public_id = uuid.uuid4()
        batch.append(user)
        if len(batch) == 1000:
            User.objects.bulk_update(batch, ["public_id"])
            batch = []
    User.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_session_salt")]

    operations = [
        migrations.AddField(model_name="user", name="public_id", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
