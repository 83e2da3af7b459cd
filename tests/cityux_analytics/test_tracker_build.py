"""The tracker a city serves is the tracker we test: tracker.min.js must be the build of
tracker.js (the browser tests load the minified file, reviews read the source)."""

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "cityux_analytics" / "static" / "cityux_analytics"


def check(root):
    return subprocess.run(
        ["bash", "scripts/build_tracker.sh", "--check"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_committed_minified_tracker_is_the_build_of_its_source():
    result = check(ROOT)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def project_copy(tmp_path):
    """The build script and tracker in a scratch copy of the project, node_modules linked."""
    (tmp_path / "scripts").mkdir()
    for name in ("build_tracker.sh", "strip_source_maps.sh"):
        shutil.copy(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    static = tmp_path / "cityux_analytics" / "static" / "cityux_analytics"
    static.mkdir(parents=True)
    for name in ("tracker.js", "tracker.min.js"):
        shutil.copy(STATIC / name, static / name)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    return tmp_path, static


def test_a_source_change_without_a_rebuild_is_caught(project_copy):
    root, static = project_copy
    source = static / "tracker.js"
    source.write_text(source.read_text() + "\nwindow.__cityuxChanged = 1;\n")
    result = check(root)
    assert result.returncode == 1
    assert "not the build of tracker.js" in result.stderr
    assert (static / "tracker.min.js").read_bytes() == (STATIC / "tracker.min.js").read_bytes()


def test_the_minified_tracker_fits_its_4_kb_gzip_budget():
    # ARCHITECTURE.md's budget for the tracker core; bench/tracker_size.py prints the ratio.
    minified = (STATIC / "tracker.min.js").read_bytes()
    assert len(gzip.compress(minified, compresslevel=9)) <= 4096
