#!/usr/bin/env python3
"""Checks an export of linkedin-privacy's history without the tool, from the documented
canonical form (docs/history-format.md). Usage: verify-history.py EXPORT [NOTED_HEAD]"""
import hashlib
import json
import sys

FIELDS = ["id", "at", "kind", "site", "member", "profile", "setting", "state", "private",
          "before", "verified", "reply_sha256", "tool_version", "catalog", "detail", "prev"]
GENESIS = "0" * 64


def main(path, noted=None):
    with open(path, encoding="utf-8") as f:
        export = json.load(f)
    if export.get("format") != "linkedin-privacy-history" or export.get("version") != 1:
        return "not an export of linkedin-privacy's history, version 1"
    prev, noted_seen = GENESIS, noted is None
    for n, record in enumerate(export["records"], start=1):
        canonical = {k: record.get(k) for k in FIELDS}
        data = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        if hashlib.sha256(data).hexdigest() != record["hash"]:
            return f"record {record['id']} was changed"
        if record["id"] != n:
            return f"record {n} is missing or out of place"
        if record["prev"] != prev:
            return f"record {n} does not follow the one before"
        prev = record["hash"]
        noted_seen = noted_seen or prev == noted
    if export["head"] != prev:
        return "the head does not match the last record"
    if not noted_seen and noted != GENESIS:
        return "no record has the noted head"
    print(f"INTACT: {len(export['records'])} record(s); head {prev}")
    return None


if __name__ == "__main__":
    problem = main(*sys.argv[1:3])
    if problem:
        print(f"BROKEN: {problem}", file=sys.stderr)
        sys.exit(1)
