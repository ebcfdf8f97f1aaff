#!/usr/bin/env python3
"""Checks an export of linkedin-privacy's history without the tool, from the documented
canonical form (docs/history-format.md). Usage: verify-history.py EXPORT [NOTED_HEAD]

Given the history database itself (a SQLite file), it checks that chain the same way, reading
the records in id order: verify-history.py history.sqlite3 [NOTED_HEAD]"""
import hashlib
import json
import sys

FIELDS = ["id", "at", "kind", "site", "member", "profile", "setting", "state", "private",
          "before", "verified", "reply_sha256", "tool_version", "catalog", "detail", "prev"]
GENESIS = "0" * 64


def check(records, noted):
    """The chain of records (dicts with the canonical fields and "hash"), in order: the head
    it ends in and whether the noted head is one of its records, or a problem."""
    prev, noted_seen = GENESIS, noted is None
    n = 0
    for n, record in enumerate(records, start=1):
        canonical = {k: record.get(k) for k in FIELDS}
        data = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        if hashlib.sha256(data).hexdigest() != record["hash"]:
            return None, f"record {record['id']} was changed"
        if record["id"] != n:
            return None, f"record {n} is missing or out of place"
        if record["prev"] != prev:
            return None, f"record {n} does not follow the one before"
        prev = record["hash"]
        noted_seen = noted_seen or prev == noted
    if not noted_seen and noted != GENESIS:
        return None, "no record has the noted head"
    return (n, prev), None


def database(path, noted):
    import pathlib
    import sqlite3
    conn = sqlite3.connect(pathlib.Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    rows = conn.execute(f"SELECT {', '.join(FIELDS)}, hash FROM events ORDER BY id")
    names = FIELDS + ["hash"]
    # SQLite keeps booleans as 0/1: the canonical form has true/false.
    records = ({**dict(zip(names, row)), "private": None if row[8] is None else bool(row[8]),
                "verified": None if row[10] is None else bool(row[10])} for row in rows)
    done, problem = check(records, noted)
    if problem:
        return problem
    print(f"INTACT: {done[0]} record(s); head {done[1]}")
    return None


def main(path, noted=None):
    with open(path, "rb") as f:
        if f.read(16) == b"SQLite format 3\x00":
            return database(path, noted)
    with open(path, encoding="utf-8") as f:
        export = json.load(f)
    if export.get("format") != "linkedin-privacy-history" or export.get("version") != 1:
        return "not an export of linkedin-privacy's history, version 1"
    done, problem = check(export["records"], noted)
    if problem:
        return problem
    prev = done[1]
    if export["head"] != prev:
        return "the head does not match the last record"
    print(f"INTACT: {len(export['records'])} record(s); head {prev}")
    return None


if __name__ == "__main__":
    problem = main(*sys.argv[1:3])
    if problem:
        print(f"BROKEN: {problem}", file=sys.stderr)
        sys.exit(1)
