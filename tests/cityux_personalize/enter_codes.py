"""Enter wrong resume codes over HTTP from a process of its own, as a second server would.

Run by test_resume_lockout.py: ``python -m tests.cityux_personalize.enter_codes COUNT ADDRESS
LIMIT``, with DATABASE_URL and CELERY_BROKER_URL pointing at the test's database and Redis.
Prints one line per attempt: "evaluated" (the code was looked up) or "locked".
"""

import sys

import django


def main(count, address, limit):
    django.setup()
    from celery import current_app
    from django.conf import settings
    from django.test import Client

    current_app.conf.task_always_eager = False  # a real deployment: counts go to Redis
    settings.CITYUX_PERSONALIZE = {
        "RESUME_MAX_FAILURES": 1000,
        "RESUME_MAX_FAILURES_PER_ADDRESS": limit,
    }
    client = Client(REMOTE_ADDR=address)
    client.post("/cityux/cookies/", {"action": "accept_all"})
    for _ in range(count):
        text = client.post("/cityux/resume/", {"code": "AAAA-AAAA"}).content.decode()
        print("locked" if "Too many wrong codes" in text else "evaluated", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
