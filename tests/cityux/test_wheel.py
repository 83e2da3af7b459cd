"""The wheel a city installs holds the four apps, not the reference project or the tests."""

import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

# Builds its own site and database whatever DATABASE_URL says: CI runs it once.
pytestmark = pytest.mark.standalone

ROOT = Path(__file__).resolve().parents[2]
# Folders of a working checkout that are not source (collectstatic output, npm, builds).
LOCAL_ONLY = {".git", "build", "node_modules", ".venv", "static", "media", "test-results"}
APPS = ("cityux", "cityux_analytics", "cityux_personalize", "cityux_social")


def build_wheel(out):
    """The wheel's path, built from a clean copy of the checkout (a stale build/ folder must
    not hide a leak)."""
    out.mkdir(parents=True, exist_ok=True)
    source = out / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=lambda folder, names: [
            n
            for n in names
            if n in ("__pycache__", "cityux.egg-info") or (Path(folder) == ROOT and n in LOCAL_ONLY)
        ],
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("cityux-*.whl")
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return zipfile.ZipFile(build_wheel(tmp_path_factory.mktemp("wheel")))


def test_wheel_holds_the_apps_and_not_the_reference_project(wheel):
    names = wheel.namelist()
    leaked = [
        n
        for n in names
        if n.startswith(("cityux/settings/", "cityux/site/", "tests/", "templates/", "bench/"))
        or n in ("cityux/urls.py", "cityux/wsgi.py", "manage.py")
    ]
    assert leaked == []
    tops = {n.split("/")[0] for n in names if not n.startswith("cityux-")}
    assert tops == set(APPS)
    # The apps' own templates, static files and migrations are shipped.
    for needed in (
        "cityux/templates/cityux/consent/banner.html",
        "cityux/templates/cityux/front/messages.html",
        "cityux/templatetags/cityux_front.py",
        "cityux/celery.py",
        "cityux/migrations/0001_initial.py",
        "cityux_analytics/static/cityux_analytics/tracker.js",
        "cityux_personalize/templates/cityux_personalize/choose_area.html",
        "cityux_social/fixtures/",
    ):
        assert any(n.startswith(needed) for n in names), needed


def test_every_source_map_named_in_a_shipped_file_is_shipped(wheel):
    """ManifestStaticFilesStorage refuses a file whose sourceMappingURL names a missing map."""
    names = set(wheel.namelist())
    for name in names:
        if not name.endswith((".js", ".css")):
            continue
        text = wheel.read(name).decode("utf-8", "replace")
        for ref in re.findall(r"^\s*(?://|/\*)[#@] sourceMappingURL=([^\s*]+)", text, re.M):
            if ref.startswith("data:"):
                continue
            assert str(Path(name).parent / ref) in names, f"{name} names {ref}"


def test_heavy_libraries_are_extras_not_core_dependencies(wheel):
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(wheel.read(metadata).decode())
    core, extras = [], {}
    for req in meta.get_all("Requires-Dist"):
        name = re.match(r"[A-Za-z0-9_.\-]+", req).group(0).lower()
        marker = re.search(r'extra == "([^"]+)"', req)
        if marker:
            extras.setdefault(marker.group(1), set()).add(name)
        else:
            core.append(name)
    heavy = {"pandas", "scipy", "scikit-learn", "psycopg", "dj-database-url", "whitenoise"}
    assert heavy.isdisjoint(core)
    assert {"pandas", "scipy", "scikit-learn"} <= extras["analytics"]
    assert {"scikit-learn", "requests", "websockets", "wagtail-modeladmin"} <= extras["social"]
    assert "personalize" in extras or "personalize" in meta.get_all("Provides-Extra")
    assert {"psycopg", "dj-database-url"} <= extras["site"]
