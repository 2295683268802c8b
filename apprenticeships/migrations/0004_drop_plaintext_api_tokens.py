"""API tokens moved from DRF's authtoken (kept in plain text) to django-rest-knox (kept hashed).

The old table is dropped, tokens and all: a token in plain text is a password anyone with a copy
of the database could use. Scripts ask for a new token (POST /api/v1/auth/token/). The old app's
migration records go too, so that installing it again would start afresh.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import StateApps

OLD_TABLE = "authtoken_token"


def drop_plaintext_tokens(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if OLD_TABLE in connection.introspection.table_names():
        schema_editor.execute(schema_editor.sql_delete_table % {"table": schema_editor.quote_name(OLD_TABLE)})
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("apprenticeships", "0003_text_rules_and_pay_bill_ceiling"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop)]
