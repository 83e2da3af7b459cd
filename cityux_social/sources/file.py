"""Posts imported from a JSON Lines or CSV file, for offline use and the demo.

Config: `path` (the file), optional `format` ("jsonl" or "csv"; by default from the extension),
`outbox` (a JSON Lines file that replies are appended to). Each record has `id` (or
`external_id`) and `text`, optionally `author_handle`, `author_name`, `author_followers`, `url`,
`posted_at` (ISO 8601), `language`, `latitude`, `longitude` and `place`. The cursor is the number
of records already read, so a file that grows is read from where the last fetch stopped.
"""

import csv
import datetime
import itertools
import json
import uuid
from pathlib import Path

from django.conf import settings

from .base import Connector, FetchFailed, IncomingPost, ReplyFailed, parse_time


def _resolve(path):
    path = Path(path)
    if not path.is_absolute():
        path = Path(getattr(settings, "BASE_DIR", ".")) / path
    return path


def _float(value, name):
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {value!r} is not a number") from None


def post_from_record(record):
    """An IncomingPost from one imported record (a dict); ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("the record is not an object")
    external_id = str(record.get("id") or record.get("external_id") or "").strip()
    if not external_id:
        raise ValueError('the record has no "id"')
    latitude = _float(record.get("latitude"), "latitude")
    longitude = _float(record.get("longitude"), "longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        raise ValueError(f"latitude {latitude} is out of range")
    if longitude is not None and not -180 <= longitude <= 180:
        raise ValueError(f"longitude {longitude} is out of range")
    try:
        followers = int(record.get("author_followers") or 0)
    except (TypeError, ValueError):
        raise ValueError(
            f"author_followers {record.get('author_followers')!r} is not a number"
        ) from None
    return IncomingPost(
        external_id=external_id,
        author_handle=str(record.get("author_handle") or ""),
        author_name=str(record.get("author_name") or ""),
        author_followers=followers,
        text=str(record.get("text") or ""),
        url=str(record.get("url") or ""),
        posted_at=parse_time(record.get("posted_at")),
        language=str(record.get("language") or ""),
        latitude=latitude,
        longitude=longitude,
        place=str(record.get("place") or ""),
        raw=dict(record),
    )


class FileConnector(Connector):
    """Reads new records of a JSON Lines or CSV file; replies go to an outbox file."""

    required_config = ("path",)

    @property
    def path(self):
        self.require_config("path")
        return _resolve(self.config["path"])

    @property
    def format(self):
        declared = self.config.get("format")
        if declared:
            return declared.lower()
        return "csv" if self.path.suffix.lower() == ".csv" else "jsonl"

    def _records(self, handle):
        """(record number, dict or ValueError) for every record of the open file."""
        if self.format == "csv":
            for number, row in enumerate(csv.DictReader(handle), start=1):
                yield number, row
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                yield number, None
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                yield number, ValueError(f"not valid JSON ({error.msg})")

    def fetch(self):
        path = self.path
        if not path.is_file():
            raise FetchFailed(f"The import file {path} does not exist.")
        start = int(self.source.cursor or 0)
        posts, read = [], start
        label = "row" if self.format == "csv" else "line"
        with path.open(encoding="utf-8", newline="") as handle:
            records = itertools.islice(self._records(handle), start, None)
            for number, record in records:
                read = number
                if record is None:
                    continue
                try:
                    if isinstance(record, ValueError):
                        raise record
                    posts.append(post_from_record(record))
                except ValueError as error:
                    self.problems.append(f"{path.name} {label} {number}: {error}; skipped")
                if len(posts) >= self.max_posts:
                    break
        self.source.cursor = str(read)
        return posts

    def reply(self, post, text):
        outbox = self.config.get("outbox")
        if not outbox:
            raise ReplyFailed(f'The file source “{self.source}” has no "outbox" configured.')
        reply_id = f"outbox-{uuid.uuid4().hex}"
        line = json.dumps(
            {
                "id": reply_id,
                "in_reply_to": post.external_id,
                "to": post.author_handle,
                "text": text,
                "sent_at": datetime.datetime.now(datetime.UTC).isoformat(),
            }
        )
        try:
            path = _resolve(outbox)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as error:
            raise ReplyFailed(f"Could not write the reply to {outbox}: {error}") from error
        return reply_id
