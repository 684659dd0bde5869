"""The store: one SQLite file that remembers articles, their digests and each brief's stories across days.

Why SQLite (standard `sqlite3`): one file, transactions, and locking between two runs on one store for free.
Every write is one `BEGIN IMMEDIATE` transaction, so a run killed at any point leaves the store as it was before
that write; a second run on the same store waits for the lock (up to `LOCK_WAIT` seconds) and then fails cleanly.
The schema version is SQLite's `user_version`; `_MIGRATIONS[n]` upgrades version n to n + 1, so an old store is
upgraded in place and a store from a newer newsbrief is refused, never reset. Records are kept as JSON written
and read by pydantic's `TypeAdapter` over the dataclasses in `newsbrief.records`. Besides digests, the store keeps
what makes a re-run of unchanged sources cheap: responses with their ETag / Last-Modified (for conditional GETs)
and the stories grouped from a given set of digests. The delivery ledger (`deliveries`) records each email of a
brief, so that a brief is sent once: see `claim_delivery`. No constant here saw any data:
`LOCK_WAIT` is a wait a person would accept before being told that another run holds the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from newsbrief.errors import RunError
from newsbrief.ingest.fetch import KeptResponse, Response
from newsbrief.records import Article, ArticleDigest, Story, StoryFacts
from newsbrief.window import Window

LOCK_WAIT = 60.0  # seconds a run waits for another run's write on the same store
DIGEST_FORMAT = 11  # bump when summaries or facts change meaning, so cached digests are recomputed
STORY_FORMAT = 6  # bump when grouping, story summaries or story facts change meaning: cached stories are recomputed

_MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        id TEXT NOT NULL, content_hash TEXT NOT NULL, url TEXT, published TEXT, first_seen TEXT NOT NULL,
        record TEXT NOT NULL, PRIMARY KEY (id, content_hash));
    CREATE TABLE digests (key TEXT PRIMARY KEY, article_id TEXT NOT NULL, record TEXT NOT NULL);
    CREATE TABLE briefs (
        day TEXT PRIMARY KEY, window_start TEXT NOT NULL, window_end TEXT NOT NULL, folder TEXT NOT NULL,
        generated_at TEXT NOT NULL);
    CREATE TABLE brief_articles (
        day TEXT NOT NULL REFERENCES briefs(day) ON DELETE CASCADE, article_id TEXT NOT NULL,
        content_hash TEXT NOT NULL, PRIMARY KEY (day, article_id));
    CREATE TABLE stories (
        day TEXT NOT NULL REFERENCES briefs(day) ON DELETE CASCADE, id TEXT NOT NULL, rank INTEGER NOT NULL,
        headline TEXT NOT NULL, status TEXT NOT NULL, first_seen TEXT NOT NULL, previous_id TEXT,
        previous_day TEXT, text TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (day, id));
    """,
    """
    CREATE TABLE responses (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, final_url TEXT NOT NULL, content_type TEXT NOT NULL,
        charset TEXT, body BLOB NOT NULL);
    CREATE TABLE story_groups (key TEXT PRIMARY KEY, record TEXT NOT NULL);
    """,
    """
    CREATE TABLE deliveries (
        day TEXT NOT NULL, recipients TEXT NOT NULL, content_hash TEXT NOT NULL, status TEXT NOT NULL,
        attempts INTEGER NOT NULL, sends INTEGER NOT NULL, claim TEXT, claimed_at TEXT, sent_at TEXT,
        message_id TEXT, last_error TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (day, recipients, content_hash));
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)
_TABLES = {"articles", "digests", "briefs", "brief_articles", "stories", "responses", "story_groups", "deliveries"}

_ARTICLE = TypeAdapter(Article)
_DIGEST = TypeAdapter(ArticleDigest)
_FACTS = TypeAdapter(StoryFacts)
_STORIES = TypeAdapter(list[Story])


class StoreError(RunError):
    """The store cannot be used as it is: the message says why and what to do."""


@dataclass
class StoredStory:
    """A story as an earlier brief told it: what memory across days compares today's stories with."""

    day: date
    id: str
    headline: str
    first_seen: date
    text: str  # headline and summary, for similarity
    articles: dict[str, str]  # article id -> content hash
    sources: list[str]
    entities: list[str]
    facts: StoryFacts


@dataclass
class StoryHit:
    """One story that `history` found, with the folder of its brief."""

    day: date
    id: str
    headline: str
    status: str
    folder: str


@dataclass(frozen=True)
class DeliveryKey:
    """One brief to one set of people: its day, its recipients (To and Bcc, normalised: see
    `newsbrief.deliver.recipient_key`) and its content's hash (which leaves out when it was generated)."""

    day: date
    recipients: str
    content_hash: str


@dataclass
class DeliveryRecord:
    """A row of the delivery ledger. `status`: `sending` (claimed, the message not yet handed to the server),
    `submitting` (being handed over: if the run dies now, whether it went is unknown), `sent` or `failed`.
    `attempts` counts tries, `sends` successful sends (more than one only through `resend`)."""

    key: DeliveryKey
    status: str
    attempts: int
    sends: int
    claim: str | None  # the token of the attempt that holds the row while it sends
    claimed_at: datetime | None
    sent_at: datetime | None
    message_id: str | None
    last_error: str | None

    def stale(self, now: datetime, lease: timedelta) -> bool:
        """A claim older than `lease` belongs to a run that died (a live attempt finishes well within it)."""
        return self.claimed_at is not None and now - self.claimed_at > lease


@dataclass
class DeliveryClaim:
    """What `claim_delivery` decided: `token` when this attempt may send (None: it must not), with the row."""

    record: DeliveryRecord
    token: str | None


def content_hash(article: Article) -> str:
    """What makes an article "the same" for the store: an update in place under one URL changes it."""
    return hashlib.sha256(f"{article.title}\n{article.text}".encode()).hexdigest()[:16]


def digest_key(article: Article, summariser: str, options: object) -> str:
    """A digest depends on the article's content and date and on the summariser settings, not on when it was read."""
    parts = [article.id, content_hash(article), article.url, article.source, article.author, article.language]
    parts += [article.published.isoformat() if article.published else None, summariser, repr(options), DIGEST_FORMAT]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


class Store:
    """An open store; use `open_store`. Not shared between threads at once (the flow uses it from one)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path
        self._responses_lock = threading.Lock()  # sources are fetched from several threads at once

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; the write lock is taken at the start, so two runs queue instead of deadlocking."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"the store {self.path} is busy (another run holds it): {error}") from error
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def cached_digests(self, keys: Sequence[str]) -> dict[str, ArticleDigest]:
        found: dict[str, ArticleDigest] = {}
        for key in keys:
            row = self.db.execute("SELECT record FROM digests WHERE key = ?", (key,)).fetchone()
            if row:
                try:
                    found[key] = _DIGEST.validate_json(row[0])
                except ValidationError:  # written by an older layout: recompute rather than fail
                    continue
        return found

    def save_digests(self, digests: dict[str, ArticleDigest]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO digests (key, article_id, record) VALUES (?, ?, ?)",
                [(key, d.article.id, _DIGEST.dump_json(d).decode()) for key, d in digests.items()],
            )

    def kept_response(self, url: str) -> KeptResponse | None:
        """The response kept for `url` with its validators, for a conditional GET (see `ResponseLog`)."""
        with self._responses_lock:
            row = self.db.execute(
                "SELECT etag, last_modified, final_url, content_type, charset, body FROM responses WHERE url = ?",
                (url,),
            ).fetchone()
        if row is None:
            return None
        etag, last_modified, final_url, content_type, charset, body = row
        return KeptResponse(etag, last_modified, Response(final_url, zlib.decompress(body), content_type, charset))

    def keep_responses(self, responses: dict[str, KeptResponse]) -> None:
        """Keep each response (by the URL requested) for the next conditional GET, in one transaction."""
        rows = [
            (
                url,
                k.etag,
                k.last_modified,
                k.response.url,
                k.response.content_type,
                k.response.charset,
                zlib.compress(k.response.content),
            )
            for url, k in responses.items()
        ]
        with self._responses_lock, self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO responses (url, etag, last_modified, final_url, content_type, charset, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def cached_stories(self, key: str) -> list[Story] | None:
        row = self.db.execute("SELECT record FROM story_groups WHERE key = ?", (key,)).fetchone()
        try:
            return _STORIES.validate_json(row[0]) if row else None
        except ValidationError:  # written by an older layout: recompute rather than fail
            return None

    def save_stories(self, key: str, stories: list[Story]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO story_groups (key, record) VALUES (?, ?)", (key, _STORIES.dump_json(stories))
            )

    def previous_cutoff(self, day: date) -> datetime | None:
        """The end of the window of the latest brief before `day`: where the next brief's window starts."""
        row = self.db.execute(
            "SELECT window_end FROM briefs WHERE day < ? ORDER BY day DESC LIMIT 1", (day.isoformat(),)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def brief_articles(self, day: date) -> list[Article]:
        """The articles the brief for `day` was made from, as they were then (for `--rebuild`)."""
        rows = self.db.execute(
            "SELECT a.record FROM brief_articles b JOIN articles a ON a.id = b.article_id AND "
            "a.content_hash = b.content_hash WHERE b.day = ? ORDER BY a.id",
            (day.isoformat(),),
        ).fetchall()
        return [_ARTICLE.validate_json(row[0]) for row in rows]

    def earlier_stories(self, day: date, since: date) -> list[StoredStory]:
        """Stories of briefs from `since` up to (not including) `day`, newest brief first, in each in rank order."""
        rows = self.db.execute(
            "SELECT day, id, headline, first_seen, text, record FROM stories WHERE day < ? AND day >= ? "
            "ORDER BY day DESC, rank",
            (day.isoformat(), since.isoformat()),
        ).fetchall()
        stories = []
        for day_text, story_id, headline, first_seen, text, record in rows:
            data = json.loads(record)
            stories.append(
                StoredStory(
                    day=date.fromisoformat(day_text),
                    id=story_id,
                    headline=headline,
                    first_seen=date.fromisoformat(first_seen),
                    text=text,
                    articles=data["articles"],
                    sources=data["sources"],
                    entities=data["entities"],
                    facts=_FACTS.validate_python(data["facts"]),
                )
            )
        return stories

    def save_brief(
        self, day: date, window: Window, folder: Path, stories: Sequence[Story], generated_at: datetime, seen: datetime
    ) -> None:
        """The day's brief, replacing any earlier run of the same day (re-runs leave no duplicate rows)."""
        digests = [d for s in stories for d in s.articles]
        with self.transaction() as db:
            db.execute("DELETE FROM briefs WHERE day = ?", (day.isoformat(),))
            db.execute(
                "INSERT INTO briefs (day, window_start, window_end, folder, generated_at) VALUES (?, ?, ?, ?, ?)",
                (
                    day.isoformat(),
                    window.start.isoformat(),
                    window.end.isoformat(),
                    str(folder),
                    generated_at.isoformat(),
                ),
            )
            db.executemany(
                "INSERT OR IGNORE INTO articles (id, content_hash, url, published, first_seen, record) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        d.article.id,
                        content_hash(d.article),
                        d.article.url,
                        d.article.published.isoformat() if d.article.published else None,
                        seen.isoformat(),
                        _ARTICLE.dump_json(d.article).decode(),
                    )
                    for d in digests
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO brief_articles (day, article_id, content_hash) VALUES (?, ?, ?)",
                [(day.isoformat(), d.article.id, content_hash(d.article)) for d in digests],
            )
            db.executemany(
                "INSERT INTO stories (day, id, rank, headline, status, first_seen, previous_id, previous_day, text, "
                "record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_story_row(day, rank, story) for rank, story in enumerate(stories)],
            )

    def history(self, term: str, limit: int = 50) -> list[StoryHit]:
        """Stories whose headline, summary or entities mention `term` (any case), newest brief first."""
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.execute(
            "SELECT s.day, s.id, s.headline, s.status, b.folder FROM stories s JOIN briefs b ON b.day = s.day "
            "WHERE s.text LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(s.record, '$.entities') "
            "WHERE value LIKE ? ESCAPE '\\') ORDER BY s.day DESC, s.rank LIMIT ?",
            (pattern, pattern, limit),
        ).fetchall()
        return [StoryHit(date.fromisoformat(d), i, h, s, f) for d, i, h, s, f in rows]

    def claim_delivery(self, key: DeliveryKey, now: datetime, lease: timedelta, *, resend: bool) -> DeliveryClaim:
        """Take the right to send `key`, atomically (one BEGIN IMMEDIATE transaction, so of two runs or two threads
        on one store exactly one gets it). Claimed when nothing was recorded, the last attempt failed, or with
        `resend`. Not claimed when it was sent (without `resend`) or another attempt holds a live claim.

        A claim left by a killed run is judged by what it had reached once older than `lease`: still `sending`
        (the message never reached the server), it is taken over; `submitting` (the run died while handing the
        message over, so it may have gone), it is not, even with its lease over, unless `resend`: a brief is never
        sent twice without someone asking for it."""
        with self.transaction() as db:
            record = self._delivery(key)
            if record is not None and not _may_claim(record, now, lease, resend):
                return DeliveryClaim(record, None)
            token = secrets.token_hex(8)
            stamp = now.isoformat()
            db.execute(
                "INSERT INTO deliveries (day, recipients, content_hash, status, attempts, sends, claim, claimed_at, "
                "updated_at) VALUES (?, ?, ?, 'sending', 1, 0, ?, ?, ?) ON CONFLICT (day, recipients, content_hash) "
                "DO UPDATE SET status = 'sending', attempts = attempts + 1, claim = excluded.claim, "
                "claimed_at = excluded.claimed_at, updated_at = excluded.updated_at",
                (key.day.isoformat(), key.recipients, key.content_hash, token, stamp, stamp),
            )
            claimed = self._delivery(key)
        assert claimed is not None  # just written, in the same transaction
        return DeliveryClaim(claimed, token)

    def delivery_submitting(self, key: DeliveryKey, token: str, now: datetime, message_id: str) -> bool:
        """Mark the message as being handed to the server; False when the claim is no longer this attempt's (it
        outlived its lease and another run took it over), and then the message must not be handed over."""
        return self._update_delivery(
            key, token, "status = 'submitting', message_id = ?, updated_at = ?", (message_id, now.isoformat())
        )

    def delivery_sent(self, key: DeliveryKey, token: str, now: datetime, message_id: str, note: str | None) -> None:
        """The server accepted the message (`note`: the recipients it refused, if some were)."""
        self._update_delivery(
            key,
            token,
            "status = 'sent', sends = sends + 1, claim = NULL, sent_at = ?, message_id = ?, last_error = ?, "
            "updated_at = ?",
            (now.isoformat(), message_id, note, now.isoformat()),
        )

    def delivery_failed(self, key: DeliveryKey, token: str, now: datetime, error: str) -> None:
        """The attempt failed and the message did not go: the row is free for the next attempt."""
        self._update_delivery(
            key, token, "status = 'failed', claim = NULL, last_error = ?, updated_at = ?", (error, now.isoformat())
        )

    def deliveries(self, day: date) -> list[DeliveryRecord]:
        """The ledger's rows for the brief of `day`, oldest first."""
        rows = self.db.execute(f"{_DELIVERY_SELECT} WHERE day = ? ORDER BY rowid", (day.isoformat(),)).fetchall()
        return [_delivery_record(row) for row in rows]

    def _delivery(self, key: DeliveryKey) -> DeliveryRecord | None:
        row = self.db.execute(
            f"{_DELIVERY_SELECT} WHERE day = ? AND recipients = ? AND content_hash = ?",
            (key.day.isoformat(), key.recipients, key.content_hash),
        ).fetchone()
        return _delivery_record(row) if row else None

    def _update_delivery(self, key: DeliveryKey, token: str, assignments: str, values: tuple[Any, ...]) -> bool:
        with self.transaction() as db:
            cursor = db.execute(
                f"UPDATE deliveries SET {assignments} WHERE day = ? AND recipients = ? AND content_hash = ? "
                "AND claim = ?",
                (*values, key.day.isoformat(), key.recipients, key.content_hash, token),
            )
        return cursor.rowcount == 1

    def check(self) -> list[str]:
        """What is wrong with the store (an empty list: nothing): integrity, tables, records that do not parse."""
        problems = [row[0] for row in self.db.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key violation in table {row[0]}" for row in self.db.execute("PRAGMA foreign_key_check")]
        missing = _TABLES - _tables(self.db)
        problems += [f"table {name} is missing" for name in sorted(missing)]
        if problems:
            return problems
        for table, adapter in (("articles", _ARTICLE), ("digests", _DIGEST)):
            for (record,) in self.db.execute(f"SELECT record FROM {table}"):
                try:
                    adapter.validate_json(record)
                except ValidationError as error:
                    problems.append(f"a row of {table} cannot be read ({error.error_count()} errors)")
                    break
        return problems

    def counts(self) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in sorted(_TABLES)}


class ResponseLog:
    """The response cache of one run: what an existing store kept, plus what this run fetched, held until the run
    has articles to brief (`save`), so that a run which reads nothing leaves no store behind."""

    def __init__(self, store: Store | None) -> None:
        self.store = store
        self.fetched: dict[str, KeptResponse] = {}
        self._lock = threading.Lock()  # sources are fetched from several threads at once

    def kept_response(self, url: str) -> KeptResponse | None:
        with self._lock:
            if url in self.fetched:
                return self.fetched[url]
        return self.store.kept_response(url) if self.store else None

    def keep_response(self, url: str, kept: KeptResponse) -> None:
        with self._lock:
            self.fetched[url] = kept

    def save(self, store: Store) -> None:
        store.keep_responses(self.fetched)


def story_text(story: Story) -> str:
    """What memory across days compares a story by (and `history` searches): its headline and summary."""
    return "\n".join([story.headline, *(s.text for s in story.summary)])


def _story_row(day: date, rank: int, story: Story) -> tuple[Any, ...]:
    text = story_text(story)
    record = {
        "articles": {d.article.id: content_hash(d.article) for d in story.articles},
        "sources": story.sources,
        "entities": [e.name for e in story.facts.entities],
        "facts": _FACTS.dump_python(story.facts, mode="json"),
    }
    previous = story.previous
    return (
        day.isoformat(),
        story.id,
        rank,
        story.headline,
        story.status,
        (story.first_seen or day).isoformat(),
        previous.id if previous else None,
        previous.date.isoformat() if previous else None,
        text,
        json.dumps(record, ensure_ascii=False),
    )


_DELIVERY_SELECT = (
    "SELECT day, recipients, content_hash, status, attempts, sends, claim, claimed_at, sent_at, message_id, "
    "last_error FROM deliveries"
)


def _delivery_record(row: tuple[Any, ...]) -> DeliveryRecord:
    day, recipients, hashed, status, attempts, sends, claim, claimed_at, sent_at, message_id, last_error = row
    return DeliveryRecord(
        key=DeliveryKey(date.fromisoformat(day), recipients, hashed),
        status=status,
        attempts=attempts,
        sends=sends,
        claim=claim,
        claimed_at=datetime.fromisoformat(claimed_at) if claimed_at else None,
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
        message_id=message_id,
        last_error=last_error,
    )


def _may_claim(record: DeliveryRecord, now: datetime, lease: timedelta, resend: bool) -> bool:
    """The ledger's rule (see `Store.claim_delivery`)."""
    if record.status == "failed":
        return True
    if record.status == "sent":
        return resend
    if not record.stale(now, lease):  # another attempt is sending it now
        return False
    return record.status == "sending" or resend


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def open_store(path: Path, *, create: bool = True) -> Store:
    """Open (creating or upgrading if needed) the store at `path`; a StoreError says what is wrong otherwise."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise StoreError(f"no store at {path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder of the store {path}: {error.strerror}") from error
    if not os.access(path.parent, os.W_OK):  # SQLite writes its journal next to the file
        raise StoreError(f"the folder of the store {path} is not writable (set `store` to a writable path)")
    try:
        connection = sqlite3.connect(path, timeout=LOCK_WAIT, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA foreign_keys = ON")
        store = Store(connection, path)
        _upgrade(store)
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"the store {path} cannot be read ({error}); it may be corrupt or not a newsbrief store. "
            "Run `newsbrief store check`, then move it aside to start a new one."
        ) from error
    return store


def _upgrade(store: Store) -> None:
    """Bring the schema to SCHEMA_VERSION. The version is read again under the write lock, and the "not a store"
    test made there too: a second run opening a store that the first is creating waits, then finds it made."""
    seen = store.db.execute("PRAGMA user_version").fetchone()[0]
    if seen == SCHEMA_VERSION:
        return
    problem = _newer(store, seen)
    if problem is None:
        problem = _migrate(store)
    if problem:
        store.close()
        raise StoreError(problem)


def _newer(store: Store, version: int) -> str | None:
    if version <= SCHEMA_VERSION:
        return None
    return (
        f"the store {store.path} was written by a newer newsbrief (schema {version}; this one reads up to "
        f"{SCHEMA_VERSION}): upgrade newsbrief or point `store` at another file"
    )


def _migrate(store: Store) -> str | None:
    """Run the migrations under the write lock; what is wrong with the file, if anything."""
    problem = None
    with store.transaction() as db:
        current = db.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            problem = _newer(store, current)
        elif current == 0 and _tables(db):
            problem = f"{store.path} is an SQLite database but not a newsbrief store: point `store` elsewhere"
        else:
            for number in range(current, SCHEMA_VERSION):
                for statement in _MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return problem


def digest_with_cache(
    articles: Sequence[Article],
    summariser: str,
    options: object,
    store: Store,
    compute: Callable[[list[Article]], list[ArticleDigest]],
    *,
    refresh: bool = False,
) -> tuple[list[ArticleDigest], int]:
    """Digests of `articles` in their order, computing (with `compute`) only those the store does not hold for this
    content and these settings; the new ones are saved before returning. Also returns how many were computed.
    A cached digest keeps the article as first read (its `fetched_at` too), so a re-run gives the same brief."""
    keys = [digest_key(a, summariser, options) for a in articles]
    cached = {} if refresh else store.cached_digests(keys)
    missing = [(a, key) for a, key in zip(articles, keys, strict=True) if key not in cached]
    computed = dict(zip([key for _, key in missing], compute([a for a, _ in missing]), strict=True))
    if computed:
        store.save_digests(computed)
    found = cached | computed
    return [found[key] for key in keys], len(missing)


def stories_with_cache(
    digests: Sequence[ArticleDigest],
    options: object,
    cutoff: datetime,
    store: Store,
    compute: Callable[[], list[Story]],
    *,
    refresh: bool = False,
) -> list[Story]:
    """The stories `compute` groups from `digests`, taken from the store when the same digests (by content), story
    settings and cut-off were grouped before: a re-run over unchanged sources redoes no grouping or story summary.
    Returned before memory across days marks them, so the kept copy says nothing about earlier briefs."""
    parts = [hashlib.sha256(_DIGEST.dump_json(d)).hexdigest() for d in digests]
    key = hashlib.sha256(json.dumps([parts, repr(options), cutoff.isoformat(), STORY_FORMAT]).encode()).hexdigest()
    cached = None if refresh else store.cached_stories(key)
    if cached is not None:
        return cached
    stories = compute()
    store.save_stories(key, stories)
    return stories
