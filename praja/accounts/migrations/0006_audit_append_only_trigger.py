"""PostgreSQL refuses UPDATE and DELETE on audit entries and sealed batches (a trigger per table).

On SQLite this migration does nothing (the model refuses changes; `praja audit verify` detects the rest).
TRUNCATE is left to the owner (the test runner flushes tables with it); verify reports it as truncation.
"""

from typing import Any

from django.db import migrations

TABLES = ("accounts_auditentry", "accounts_auditbatch")

FUNCTION = """
CREATE OR REPLACE FUNCTION praja_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def install(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, None)  # no parameters: the % in RAISE are the function's own
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION praja_audit_append_only()"
        )


def remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS praja_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_audit_sealed_batches")]

    operations = [migrations.RunPython(install, remove)]
