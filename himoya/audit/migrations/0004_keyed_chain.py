"""Key the audit chain (HMAC under HIMOYA_AUDIT_KEY) and let a purge remove its start.

Events already written are re-chained under the key after their unkeyed chain has been
checked (himoya.audit.chain.rechain says what that can and cannot vouch for); a broken
chain stops the migration with nothing changed. The append-only trigger now lets through
a DELETE of events up to the head's `base_id` only: the retention purge moves the base
and writes a keyed event vouching for it, so a base moved by hand fails verification.
"""

from django.db import migrations, models

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.id <= (SELECT base_id FROM audit_audithead WHERE id = 1) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

OLD_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def rechain_existing(apps, schema_editor):
    from himoya.audit.chain import rechain

    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditHead")
    alias = schema_editor.connection.alias
    if Event.objects.using(alias).exists():
        rechain(Event, Head, using=alias)


def trigger_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_FUNCTION, params=None)


def trigger_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_TRIGGER_FUNCTION, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_refuse_update_delete'),
    ]

    operations = [
        migrations.AddField(
            model_name='audithead',
            name='base_count',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='audithead',
            name='base_hash',
            field=models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64),
        ),
        migrations.AddField(
            model_name='audithead',
            name='base_id',
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(trigger_forwards, trigger_backwards, elidable=False),
        migrations.RunPython(rechain_existing, migrations.RunPython.noop, elidable=False),
    ]
