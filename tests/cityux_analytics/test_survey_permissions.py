"""Survey permissions are granted by the first `migrate` of a new database, not the second."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EDITOR_ACTIONS = {"add", "change", "delete", "publish", "lock", "unlock", "view"}


def migrate_new_database(path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cityux.settings.dev",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{path}",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


def survey_permissions_of(path, group):
    with sqlite3.connect(path) as db:
        rows = db.execute(
            """
            SELECT permission.codename FROM auth_group_permissions AS link
            JOIN auth_group AS grp ON grp.id = link.group_id
            JOIN auth_permission AS permission ON permission.id = link.permission_id
            JOIN django_content_type AS type ON type.id = permission.content_type_id
            WHERE grp.name = ? AND type.app_label = 'cityux_analytics'
              AND type.model = 'survey'
            """,
            [group],
        ).fetchall()
    return {codename.removesuffix("_survey") for (codename,) in rows}


@pytest.mark.standalone  # a new SQLite database whatever DATABASE_URL says
def test_one_migrate_of_a_new_database_grants_editors_and_moderators_their_survey_rights(
    tmp_path,
):
    database = tmp_path / "fresh.sqlite3"
    migrate_new_database(database)
    assert survey_permissions_of(database, "Editors") == EDITOR_ACTIONS
    assert survey_permissions_of(database, "Moderators") == EDITOR_ACTIONS
