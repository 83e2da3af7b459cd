"""The core works installed alone: the hub renders and says which apps would add sections."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
client = Client()
client.force_login(admin)
page = client.get("/admin/cityux/")
print(page.status_code)
print(page.content.decode())
print(client.get("/admin/cityux/?export=csv").status_code)
"""


@pytest.mark.standalone  # its own SQLite site whatever DATABASE_URL says: CI runs it once
def test_hub_works_with_only_the_core_installed(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.core_only_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'core.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    html = "\n".join(lines[1:-1])
    assert lines[0] == "200" and lines[-1] == "200"
    assert "You can see the reports of 22 departments" in html
    for label in ("cityux_analytics", "cityux_personalize", "cityux_social"):
        assert label in html
    assert html.count("not installed: add it to INSTALLED_APPS") == 3
