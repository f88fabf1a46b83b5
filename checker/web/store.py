"""Saved drafts and the decision record, in SQLite or PostgreSQL.

A **draft** is the answers of a scheme being built in the web form, kept on
the server under an id that is hard to guess, so that a reload or a closed
browser loses nothing; every save also appends the answers to the draft's
**history**. A **record** is one check: the scheme as checked, the policy
edition, a hash of the policy version (``policy_hash``), the verdict, the
full result as JSON and the time, so that a committee can show later what
vires said on the day it decided (the web app re-checks a record against
today's policy when it is read back).

The store is named by a SQLAlchemy URL: ``sqlite:///path/to/vires.db`` (the
default is ``vires.db`` in the user's data folder: ``$XDG_DATA_HOME/vires``,
else ``~/.local/share/vires``) or ``postgresql://user@host/db`` for a
shared deployment (driven by psycopg 3). ``VIRES_STORE`` sets it when
``vires serve --store`` does not. SQLAlchemy Core, not an ORM: four small
tables, created when missing. Answers and results are stored as JSON text,
never as pickles: nothing read back can run code.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert, select, update

metadata = MetaData()
drafts = Table(
    "vires_drafts", metadata,
    Column("id", String(64), primary_key=True),
    Column("created", String(40), nullable=False),
    Column("updated", String(40), nullable=False),
    Column("answers", Text, nullable=False),
)
draft_history = Table(
    "vires_draft_history", metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", String(64), nullable=False, index=True),
    Column("saved", String(40), nullable=False),
    Column("answers", Text, nullable=False),
)
records = Table(
    "vires_records", metadata,
    Column("id", String(64), primary_key=True),
    Column("created", String(40), nullable=False),
    Column("draft_id", String(64), nullable=True, index=True),
    Column("scheme_id", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("scheme", Text, nullable=False),
    Column("edition", String(100), nullable=False),
    Column("policy_hash", String(64), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("result", Text, nullable=False),
)


def default_url() -> str:
    """The store's URL: $VIRES_STORE, else a SQLite file in the user's data folder."""
    if os.environ.get("VIRES_STORE"):
        return os.environ["VIRES_STORE"]
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return f"sqlite:///{Path(base) / 'vires' / 'vires.db'}"


def engine_url(url: str) -> str:
    """The URL SQLAlchemy is given: PostgreSQL through psycopg 3, the driver installed."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def now() -> str:
    """The time, in UTC, as ISO 8601 to the second."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def new_id() -> str:
    """An id no one can guess: 128 random bits."""
    return secrets.token_urlsafe(16)


def _dumps(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


class Store:
    """Drafts, their history and the decision record, in one database."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            Path(self.url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(engine_url(self.url), future=True, pool_pre_ping=True)
        metadata.create_all(self.engine)

    @property
    def kind(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    # --- drafts ---------------------------------------------------------------

    def new_draft(self, answers: dict | None = None) -> str:
        """A new draft's id."""
        draft_id, when = new_id(), now()
        text = _dumps(answers or {})
        with self.engine.begin() as db:
            db.execute(insert(drafts).values(id=draft_id, created=when, updated=when, answers=text))
            db.execute(insert(draft_history).values(draft_id=draft_id, saved=when, answers=text))
        return draft_id

    def draft(self, draft_id: str) -> dict | None:
        """A draft's answers, or None when there is no such draft."""
        with self.engine.connect() as db:
            row = db.execute(select(drafts.c.answers).where(drafts.c.id == draft_id)).first()
        return json.loads(row[0]) if row else None

    def save_draft(self, draft_id: str, answers: dict) -> None:
        """Keep a draft's answers, and add them to its history when they changed."""
        text = _dumps(answers)
        with self.engine.begin() as db:
            old = db.execute(select(drafts.c.answers).where(drafts.c.id == draft_id)).first()
            if old is None:
                raise KeyError(draft_id)
            if old[0] == text:
                return
            when = now()
            db.execute(update(drafts).where(drafts.c.id == draft_id).values(answers=text, updated=when))
            db.execute(insert(draft_history).values(draft_id=draft_id, saved=when, answers=text))

    def history(self, draft_id: str) -> list[tuple[str, dict]]:
        """(time, answers) for each saved version of a draft, oldest first."""
        with self.engine.connect() as db:
            rows = db.execute(select(draft_history.c.saved, draft_history.c.answers)
                              .where(draft_history.c.draft_id == draft_id).order_by(draft_history.c.n)).all()
        return [(str(saved), json.loads(str(text))) for saved, text in rows]

    # --- the decision record ------------------------------------------------------

    def record(self, scheme: dict, result: dict, policy_hash: str, draft_id: str | None = None) -> str:
        """Record one check; its id."""
        record_id = new_id()
        with self.engine.begin() as db:
            db.execute(insert(records).values(
                id=record_id, created=now(), draft_id=draft_id, scheme_id=str(scheme.get("id", "")),
                title=str(scheme.get("title", "")), scheme=_dumps(scheme), edition=result["edition"],
                policy_hash=policy_hash, verdict=result["verdict"], result=_dumps(result)))
        return record_id

    def get_record(self, record_id: str) -> dict | None:
        """A record as plain data (its scheme and result read back), or None."""
        with self.engine.connect() as db:
            row = db.execute(select(records).where(records.c.id == record_id)).mappings().first()
        if row is None:
            return None
        out = dict(row)
        out["scheme"], out["result"] = json.loads(out["scheme"]), json.loads(out["result"])
        return out

    def recent_records(self, limit: int = 20) -> list[dict]:
        """The latest records, newest first (id, time, title, verdict)."""
        with self.engine.connect() as db:
            rows = db.execute(select(records.c.id, records.c.created, records.c.title, records.c.verdict,
                                     records.c.edition).order_by(records.c.created.desc(), records.c.id)
                              .limit(limit)).mappings().all()
        return [dict(r) for r in rows]

    def close(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()


def policy_hash(directory) -> str:
    """A hash of a policy version: every file of its folder, by name and bytes."""
    digest = hashlib.sha256()
    root = Path(directory)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
