"""CityUX installed the way a city's IT team does it: the wheel into a fresh virtualenv, a new
`wagtail start` site, exactly the lines of docs/install/cityux.txt, then production checks,
migrate, collectstatic (ManifestStaticFilesStorage), gunicorn with DEBUG=False, a consented
batch ingested by a Celery worker on a serverless broker (kombu's filesystem transport) into
the page's department, and the City UX admin pages."""

import json
import os
import re
import socket
import subprocess
import time
import venv

import pytest
import requests

from tests.cityux.test_install_lines import FEATURES, apply_install_lines
from tests.cityux.test_wheel import build_wheel
from tests.cityux_analytics.factories import T0, body, click, new_sid, view

# Builds its own site and database whatever DATABASE_URL says: CI runs it once.
pytestmark = pytest.mark.standalone

LOCAL_SETTINGS = """
SECRET_KEY = "fresh-site-test-{secret}"
ALLOWED_HOSTS = ["127.0.0.1"]
CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {{"data_folder_in": {queue!r}, "data_folder_out": {queue!r}}}
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                       "LOCATION": {cache!r}}}}}
"""

ASSIGN_HOME_PAGE = """
from wagtail.models import Page
from cityux.models import Department, DepartmentRootPage
from django.contrib.auth import get_user_model
department = Department.objects.order_by("name").first()
DepartmentRootPage.objects.create(department=department, page=Page.objects.get(depth=2))
get_user_model().objects.create_superuser("it", "it@example.com", "fresh-site-pw")
print(department.pk)
"""

STORED = """
from cityux_analytics.models import PageView

print(json.dumps([[v.url, v.department_id] for v in PageView.objects.all()]))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh virtualenv with the wheel and all its extras, and a `wagtail start` site."""
    root = tmp_path_factory.mktemp("fresh")
    wheel = build_wheel(root / "wheel")
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    extras = ",".join([*FEATURES, "redis"])
    run([python, "-m", "pip", "install", "--quiet", f"{wheel}[{extras}]", "gunicorn"], root)
    project = new_site(root, "site", FEATURES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    env.pop("CELERY_BROKER_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "mycity.settings.production"
    return root, project, python, env


def new_site(root, name, features):
    """`wagtail start mycity` in root/name with the install lines of `features` applied."""
    project = root / name
    project.mkdir()
    run([root / "venv" / "bin" / "wagtail", "start", "mycity", project], root)
    apply_install_lines(project, features)
    (root / "queue").mkdir(exist_ok=True)
    (project / "mycity" / "settings" / "local.py").write_text(
        LOCAL_SETTINGS.format(
            secret="x" * 50, queue=str(root / "queue"), cache=str(root / f"cache-{name}")
        )
    )
    return project


def run(args, cwd, env=None, timeout=600):
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def test_the_fresh_site_serves_tracks_and_ingests(site):
    root, project, python, env = site
    manage = [python, "manage.py"]
    deploy = run([*manage, "check", "--deploy"], project, env)
    deploy = deploy.stdout + deploy.stderr
    assert "cityux" not in deploy and "W019" not in deploy, deploy
    run([*manage, "migrate", "--noinput"], project, env)
    run([*manage, "collectstatic", "--noinput"], project, env)
    assert list((root / "site" / "static").glob("cityux_analytics/tracker.min.*.js"))
    department = run([*manage, "shell", "-c", ASSIGN_HOME_PAGE], project, env).stdout.split()[-1]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(root / "venv" / "bin" / "gunicorn"), "mycity.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = None
    try:
        home = wait_for(base + "/")
        assert home.status_code == 200 and 'id="cityux-consent"' in home.text
        consent = {"cookie_consent": "analytics=9999-12-31T00:00:00.000000Z"}
        page = requests.get(base + "/", cookies=consent, timeout=30)
        assert "cityux_analytics/tracker.min." in page.text  # the hashed name: Manifest storage
        answer = requests.post(
            base + "/cityux/collect/",
            data=body([view("/"), click(T0 + 5)], sid=new_sid()),
            headers={"Content-Type": "application/json", "Origin": base},
            cookies=consent,
            timeout=30,
        )
        assert answer.status_code == 204
        assert list((root / "queue").iterdir())  # the batch is a message on the broker

        worker = subprocess.Popen(
            [str(root / "venv" / "bin" / "celery"), "-A", "mycity", "worker", "--pool", "solo"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        stored = wait_until_stored(manage, project, env)
        assert stored == [["/", int(department)]]

        pages = admin_pages_answer(base)
        assert len(pages) >= 15, pages  # 18 on the reference site today
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def admin_pages_answer(base):
    """Sign in as IT and open every City UX admin page the dashboard links to (each a 200)."""
    admin = requests.Session()
    login = admin.get(base + "/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    admin.post(
        base + "/admin/login/",
        data={"username": "it", "password": "fresh-site-pw", "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/admin/login/"},
        timeout=30,
    )
    dashboard = admin.get(base + "/admin/", timeout=30).text
    pages = sorted(set(re.findall(r"/admin/(?:cityux|social)[^\"'\\\\?#]*", dashboard)))
    for url in pages:
        assert admin.get(base + url, timeout=60).status_code == 200, url
    return pages


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_app_alone_checks_migrates_and_serves(site, feature):
    """The same virtualenv, a second fresh site with the lines of one feature app and the core:
    production checks, migrate, collectstatic, gunicorn, and its City UX admin pages."""
    root, _, python, env = site
    project = new_site(root, f"alone-{feature}", (feature,))
    manage = [python, "manage.py"]
    deploy = run([*manage, "check", "--deploy"], project, env)
    deploy = deploy.stdout + deploy.stderr
    assert "cityux" not in deploy and "W019" not in deploy, deploy
    run([*manage, "migrate", "--noinput"], project, env)
    run([*manage, "collectstatic", "--noinput"], project, env)
    run([*manage, "shell", "-c", ASSIGN_HOME_PAGE], project, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(root / "venv" / "bin" / "gunicorn"), "mycity.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        home = wait_for(base + "/")
        assert home.status_code == 200 and 'id="cityux-consent"' in home.text
        pages = admin_pages_answer(base)
        assert any(url.startswith("/admin/cityux/") for url in pages), pages
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url):
    deadline = time.monotonic() + 120
    while True:
        try:
            return requests.get(url, timeout=30)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def wait_until_stored(manage, project, env):
    script = "import json\n" + STORED
    for _ in range(60):
        output = run([*manage, "shell", "-c", script], project, env).stdout
        stored = json.loads(output.splitlines()[-1])
        if stored:
            return stored
        time.sleep(2)
    return []
