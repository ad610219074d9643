"""PostgreSQL: the access journal refuses UPDATE always, and DELETE unless the purge command's
transaction has set ``iscg.journal_purge`` to "on" (SET LOCAL). Nothing on other databases (the
model refuses changes there). TRUNCATE is not caught: it is the test runner's flush, not the app."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_accessentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('iscg.journal_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_accessentry is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessentry_append_only
    BEFORE UPDATE OR DELETE ON audit_accessentry
    FOR EACH ROW EXECUTE FUNCTION audit_accessentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_accessentry_append_only ON audit_accessentry;
DROP FUNCTION IF EXISTS audit_accessentry_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_access_journal")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
