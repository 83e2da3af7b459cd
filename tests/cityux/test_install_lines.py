"""docs/install/cityux.txt is every line a site needs: the README quotes it whole, each line
parses, and applied to a fresh `wagtail start` site (all apps, the core alone, each feature app
alone) `manage.py check` reports nothing, so no CityUX check finds anything missing, and every
module of the installed apps imports without the libraries of the extras left out."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Template

# Builds its own site and database whatever DATABASE_URL says: CI runs it once.
pytestmark = pytest.mark.standalone

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "docs" / "install" / "cityux.txt"
FEATURES = ("analytics", "personalize", "social")
TAG = re.compile(r"\s+# \[(\w+)\]$")
# Libraries only an extra brings (pyproject.toml), and those of the reference project only.
EXTRA_LIBRARIES = {
    "analytics": {"pandas", "numpy", "scipy", "sklearn", "joblib", "vaderSentiment"},
    "personalize": set(),
    "social": {"sklearn", "numpy", "scipy", "joblib", "websockets", "wagtail_modeladmin"},
}
SITE_LIBRARIES = {"psycopg", "dj_database_url", "whitenoise"}

# Run in the site: refuse the libraries of extras not installed, set Django up, run the
# checks, import every module of the installed CityUX apps and load the base template.
SCRIPT = """
import importlib, importlib.abc, os, pkgutil, sys

BLOCKED = set(os.environ["BLOCKED"].split(","))


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed (its extra is not)")


sys.meta_path.insert(0, NotInstalled())
import django

django.setup()
from django.conf import settings
from django.core import checks
from django.template.loader import get_template


apps = sorted(a for a in settings.INSTALLED_APPS if a.startswith("cityux"))
print(apps)
for message in checks.run_checks():
    print(message.id, message.msg)
for app in apps:
    package = importlib.import_module(app)
    for module in pkgutil.walk_packages(package.__path__, app + "."):
        if not module.name.startswith(("cityux.settings", "cityux.site")):  # not in the wheel
            importlib.import_module(module.name)
get_template("base.html")
"""


def blocks():
    """[(target, [(line, app or None)])] in file order."""
    parsed = []
    for line in INSTALL.read_text().splitlines():
        if line.startswith("=== "):
            parsed.append((line[4:], []))
        elif parsed and line.strip():
            tag = TAG.search(line)
            parsed[-1][1].append((line[: tag.start()] if tag else line, tag and tag.group(1)))
    return parsed


def lines_for(target, features=FEATURES):
    (lines,) = [lines for name, lines in blocks() if name == target]
    return [line for line, app in lines if app is None or app in features]


def install_line_count():
    return sum(len(lines) for _, lines in blocks())


def test_every_tag_names_a_feature_app_and_the_readme_quotes_the_file():
    tags = {app for _, lines in blocks() for _, app in lines if app}
    assert tags == set(FEATURES)
    readme = (ROOT / "README.md").read_text()
    assert INSTALL.read_text() in readme
    assert f"**{install_line_count()} lines**" in readme


def test_python_lines_compile_templates_parse_and_shell_lines_split():
    for target, lines in blocks():
        text = "\n".join(line for line, _ in lines)
        if target.startswith("shell"):
            assert all(shlex.split(line) for line, _ in lines)
        elif ".html" in target:
            Template(text)
        else:
            compile(text, target, "exec")


def wagtail_start(folder):
    subprocess.run(
        [sys.executable, "-c", "from wagtail.bin.wagtail import main; main()", "start",
         "mycity", str(folder)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def apply_install_lines(site, features):
    """What a city's IT team does with the file, for the apps in `features`."""
    for target, _ in blocks():
        if target.startswith("shell"):
            continue
        path = site / target.split(" ")[0]
        lines = lines_for(target, features)
        if path.suffix == ".html":
            placed = {m.group(1): line[: m.start()] for line in lines
                      if (m := re.search(r" \{# (.+) #\}$", line))}  # fmt: skip
            html = path.read_text()
            html = placed.pop("the first line") + "\n" + html
            html = html.replace("</head>", placed.pop("before </head>") + "\n</head>", 1)
            html = re.sub(r"(<body[^>]*>)", r"\1\n" + placed.pop("right after <body …>"), html)
            assert placed == {}
            path.write_text(html)
        elif target.endswith("(a new file)"):
            path.write_text("\n".join(lines) + "\n")
        else:
            path.write_text(path.read_text() + "\n" + "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "features", [FEATURES, (), ("analytics",), ("personalize",), ("social",)], ids=str
)
def test_a_fresh_wagtail_site_with_the_lines_passes_check(tmp_path, features):
    site = tmp_path / "site"
    site.mkdir()
    wagtail_start(site)
    apply_install_lines(site, features)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    # dev: wagtail start's production settings read their SECRET_KEY from a local.py.
    env.update(DJANGO_SETTINGS_MODULE="mycity.settings.dev", PYTHONPATH=str(ROOT))
    wanted = set().union(*(EXTRA_LIBRARIES[f] for f in features))
    unwanted = set().union(*(EXTRA_LIBRARIES[f] for f in FEATURES if f not in features))
    env["BLOCKED"] = ",".join(sorted(SITE_LIBRARIES | unwanted - wanted))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=site, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    installed, *messages = result.stdout.splitlines()
    assert installed == str(sorted(["cityux", *(f"cityux_{app}" for app in features)]))
    # cityux_analytics.W001 is about the Redis server (is it persistent?), not the lines.
    assert [m for m in messages if not m.startswith("cityux_analytics.W001 ")] == []
