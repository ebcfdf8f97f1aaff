#!/usr/bin/env python3
"""Measures the figures the issues ask for, against a sandbox running in its own process.

    scripts/bench.py [--runs N] [--no-build]
                     [--only single|bulk|drift|history|surface|summary|memory]

Prints, for one account:
  - requests made by `audit` with the default catalog (counted by the sandbox's request log);
  - requests made by `opt-out` on an account whose toggle is on, and on one already off;
  - the median wall time of `linkedin-privacy --base-url URL audit --json` against `curl`
    fetching the same cards from the same sandbox (N runs each, default 10);
  - the peak RSS of `audit` and the size of the release binary.

for `record` and `drift`:
  - requests made by `record` (one per endpoint the tool reads);
  - the median wall time of `drift fixtures/ DIR` over N runs (DIR a fresh recording);

and for many accounts (`audit --accounts`, against `sandbox --generate`):
  - 1,000 accounts, 50 ms per request, --jobs 8 --delay-ms 0: wall time against the ideal
    (requests x 50 ms / 8);
  - peak RSS for 1,000 and for 10,000 accounts;
  - with 10 % of requests answered 429: that every account ends with a result, and the most
    requests one account made, against the retry bound.

for the whole catalog (`--only surface`):
  - requests made by a full `audit`, against the catalog's cards plus `/me` (and with
    `--discover`, one more per discovery category); requests made by `opt-out --all`;
  - the wall time of a full audit against a sandbox answering every request 50 ms late, and with
    the pause the tool keeps against LinkedIn (`--delay-ms 2000`, ± 50 %), over --runs and one
    run respectively;
  - the lines the demo audit takes at 80 columns, on a terminal (through `script`) and off one.

for members' reports (`--only summary`):
  - `summary` over 10,000 and 100,000 reports (an NDJSON file of reports sealed as `audit
    --report` seals them, each with the catalog's 17 settings in a random state), and over the
    same 100,000 as one file each in a folder: wall time (median over --runs) and peak RSS; and
    the size of `--html` for 10,000 members.

and for the history:
  - the time an audit spends recording: the median wall time of `audit --history FILE` against
    `audit --no-history` (a stored profile, so neither needs a /me call), runs interleaved;
  - `history` (the timeline, JSON), `history --verify` and `history --export` over 100,000
    records (written by this script with a valid hash chain, which `--verify` must accept).

and for memory on long jobs (`--only memory`; `--sizes 10000,100000,1000000` by default):
  - `history --verify` of the database against scripts/verify-history.py on the same database,
    `history --export` against `sqlite3 -json` dumping the same rows, and `history --verify` of
    the export against scripts/verify-history.py on it: median wall time of interleaved runs,
    the ratio, and peak RSS, at each size;
  - the peak RSS of `objection`, `record` and `drift` when a server answers with a page of 1, 4
    and 8 MiB (the objection form page only, then every endpoint), against 4x the page.

Needs only Python 3 and cargo; installs curl and GNU time with apt-get when they are missing.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "linkedin-privacy")


def catalog_cards():
    """The card keys of the built-in catalog, each once, in order."""
    out = subprocess.run([BIN, "catalog", "--json"], capture_output=True, text=True, check=True)
    cards = []
    for e in json.loads(out.stdout)["setting"]:
        if e.get("card") and e["card"] not in cards:
            cards.append(e["card"])
    return cards


def ensure(tool, package):
    if shutil.which(tool) or os.path.exists(tool):
        return
    print(f"{tool} is missing; installing {package} with apt-get", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                   stdout=subprocess.DEVNULL)


def start_sandbox():
    proc = subprocess.Popen([BIN, "sandbox", "--format", "ndjson"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    started = json.loads(proc.stdout.readline())
    tokens = {a["id"]: a["li_at"] for a in started["accounts"]}
    return proc, started["base_url"], started["log_url"], tokens


def log(log_url):
    with urllib.request.urlopen(log_url) as r:
        return json.load(r)


def env_for(token):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "LINKEDIN_LI_AT": token}
    return env


def requests_made(log_url, argv, token):
    before = len(log(log_url))
    subprocess.run(argv, env=env_for(token), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    entries = log(log_url)[before:]
    return len(entries), [f'{e["method"]} {e["path"].rsplit("/", 1)[-1]}' for e in entries]


def wall(argv, env, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def peak_rss_kib(argv, env):
    # GNU time, not os.wait4: a child's ru_maxrss also counts the forked Python before exec.
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1])


def start_generated(n, latency_ms, throttle_percent, workdir):
    accounts = os.path.join(workdir, f"accounts-{n}.tsv")
    proc = subprocess.Popen(
        [BIN, "sandbox", "--generate", str(n), "--latency-ms", str(latency_ms),
         "--throttle-percent", str(throttle_percent), "--accounts-out", accounts,
         "--format", "ndjson"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    started = json.loads(proc.stdout.readline())
    return proc, started["base_url"], started["log_url"], accounts


def bulk_run(base, accounts, jobs, extra=()):
    """Runs a bulk audit under GNU time; returns (seconds, peak RSS KiB, NDJSON lines)."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", BIN, "--base-url", base, "audit", "--accounts",
         accounts, "--jobs", str(jobs), "--delay-ms", "0", "--quiet", *extra],
        env={"PATH": os.environ.get("PATH", ""), "HOME": "/tmp"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    secs, rss = out.stderr.strip().splitlines()[-1].split()
    lines = [json.loads(l) for l in out.stdout.splitlines()]
    return float(secs), int(rss), lines


def bulk(workdir):
    # Speed: 1,000 accounts, 50 ms a request, 8 at a time.
    proc, base, log_url, accounts = start_generated(1000, 50, 0, workdir)
    try:
        secs, rss_1k, lines = bulk_run(base, accounts, 8)
        requests = len(log(log_url))
        ideal = requests * 0.050 / 8
        print(f"bulk, 1,000 accounts, 50 ms latency, --jobs 8: {secs:.2f} s for {requests} "
              f"requests; ideal {ideal:.2f} s; ratio {secs / ideal:.2f}x; "
              f"{len(lines)} lines; peak RSS {rss_1k / 1024:.1f} MiB")
    finally:
        proc.kill()
        proc.wait()
    # Memory: 10,000 accounts against 1,000, with a short latency so it runs quickly.
    rss = {}
    for n in (1000, 10000):
        proc, base, log_url, accounts = start_generated(n, 2, 0, workdir)
        try:
            secs, rss[n], lines = bulk_run(base, accounts, 8)
            assert len(lines) == n, (n, len(lines))
            print(f"bulk, {n} accounts, 2 ms latency: {secs:.2f} s, peak RSS "
                  f"{rss[n] / 1024:.1f} MiB")
        finally:
            proc.kill()
            proc.wait()
    print(f"bulk, peak RSS 10,000 / 1,000 accounts: {rss[10000] / rss[1000]:.2f}x")
    # Manners: 10 % of requests answered 429 (Retry-After: 1), the default 3 retries.
    proc, base, log_url, accounts = start_generated(100, 10, 10, workdir)
    try:
        secs, _, lines = bulk_run(base, accounts, 8)
        entries = log(log_url)
        per_account = {}
        for e in entries:
            if e["account"]:
                per_account[e["account"]] = per_account.get(e["account"], 0) + 1
        throttled = sum(1 for e in entries if e["status"] == 429)
        labels = {l["account"]["label"] for l in lines}
        not_reached = sum(1 for l in lines if (l.get("error") or {}).get("kind") == "not_reached")
        gave_up = sum(1 for l in lines if (l.get("error") or {}).get("kind") == "throttled")
        bound = 2 * (1 + 3)
        print(f"bulk, 100 accounts, 10 % of requests 429: {secs:.1f} s, {len(entries)} "
              f"requests ({throttled} answered 429); {len(labels)} of 100 accounts with a "
              f"line, {not_reached} not reached, {gave_up} throttled out; most requests by "
              f"one account {max(per_account.values())} (bound {bound})")
    finally:
        proc.kill()
        proc.wait()


def drift(workdir, runs):
    proc, base, log_url, tokens = start_sandbox()
    try:
        rec = os.path.join(workdir, "rec")
        n, calls = requests_made(log_url, [BIN, "--base-url", base, "record", "--out", rec],
                                 tokens["demo"])
        print(f"requests by record: {n}  {calls}")
        cmd = [BIN, "drift", os.path.join(ROOT, "fixtures"), rec, "--json"]
        env = {"PATH": os.environ.get("PATH", ""), "HOME": "/tmp"}
        wall(cmd, env, 1)
        median, least = wall(cmd, env, runs)
        print(f"drift fixtures/ DIR: median {median * 1000:.1f} ms (min {least * 1000:.1f}) over "
              f"{runs} runs")
    finally:
        proc.kill()
        proc.wait()


HISTORY_FIELDS = ["id", "at", "kind", "site", "member", "profile", "setting", "state", "private",
                  "before", "verified", "reply_sha256", "tool_version", "catalog", "detail",
                  "prev"]


def make_history(path, n, shape, tool, env):
    """A history of n records (100 accounts x 2 settings, audited weekly), as the binary makes
    it: the schema from one audit against a throwaway sandbox, then the records inserted, each
    hashed as the tool hashes it. "few changes": states change now and then; "many changes":
    all the time."""
    import hashlib
    import sqlite3
    if os.path.exists(path):
        os.remove(path)
    subprocess.run([BIN, "--history", path, "--sandbox", "audit"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c = sqlite3.connect(path)
    c.execute("DELETE FROM events")
    prev = "0" * 64
    insert = (f"INSERT INTO events ({', '.join(HISTORY_FIELDS)}, hash) VALUES "
              f"({', '.join('?' * (len(HISTORY_FIELDS) + 1))})")
    rows = []
    for i in range(n):
        member = f"member-{i % 100:03d}"
        setting = ["generative-ai-training", "research-data"][(i // 100) % 2]
        week = i // 200
        if shape == "many changes":
            state = "on" if (week // 50 + i) % 7 == 0 else "off"
        else:
            state = "on" if ((week + i % 100) // 50) % 2 == 0 else "off"
        rec = {"id": i + 1, "at": f"{2026 + week // 336}-{1 + week // 28 % 12:02d}-{1 + week % 28:02d}T08:00:00Z",
               "kind": "audit", "site": "linkedin", "member": member, "profile": "default",
               "setting": setting, "state": state, "private": state == "off",
               "before": None, "verified": None,
               "reply_sha256": hashlib.sha256(str(i).encode()).hexdigest(),
               "tool_version": tool, "catalog": "sha256:0000000000000000", "detail": None,
               "prev": prev}
        # The record's hash as the tool computes it: SHA-256 of its compact JSON.
        h = hashlib.sha256(json.dumps({k: rec[k] for k in HISTORY_FIELDS}, separators=(",", ":"),
                                      ensure_ascii=False).encode()).hexdigest()
        rows.append(tuple(rec[k] for k in HISTORY_FIELDS) + (h,))
        prev = h
        if len(rows) >= 50_000:
            c.executemany(insert, rows)
            rows = []
    c.executemany(insert, rows)
    c.commit()
    c.close()


def interleaved(a, b, env, runs):
    """Median wall times of two commands run in turn, `runs` pairs after one warm-up each."""
    wall(a, env, 1)
    wall(b, env, 1)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(wall(a, env, 1)[0])
        tb.append(wall(b, env, 1)[0])
    return statistics.median(ta), statistics.median(tb)


def page_server(page, every):
    """A server answering the objection form's path (or, with `every`, any path) with `page`,
    and anything else with an empty JSON object; its base URL and its process."""
    code = (
        "import http.server, sys\n"
        "page = open(sys.argv[1], 'rb').read()\n"
        "every = sys.argv[2] == '1'\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        big = every or self.path.startswith('/help/linkedin/ask/TS-DPRO')\n"
        "        body = page if big else b'{}'\n"
        "        self.send_response(200)\n"
        "        self.send_header('Content-Type', 'text/html' if big else 'application/json')\n"
        "        self.send_header('Content-Length', str(len(body)))\n"
        "        self.end_headers()\n"
        "        self.wfile.write(body)\n"
        "    def log_message(self, *a): pass\n"
        "s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
        "print(s.server_address[1], flush=True)\n"
        "s.serve_forever()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, page, "1" if every else "0"],
                            stdout=subprocess.PIPE, text=True)
    port = proc.stdout.readline().strip()
    return f"http://127.0.0.1:{port}", proc


def memory(workdir, runs, sizes):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": workdir,
           "XDG_CONFIG_HOME": os.path.join(workdir, "config"),
           "LINKEDIN_PRIVACY_KEYRING": "none"}
    tool = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.split()[-1]
    verifier = [sys.executable, os.path.join(ROOT, "scripts", "verify-history.py")]
    for n in sizes:
        db = os.path.join(workdir, f"h{n}.sqlite3")
        export = os.path.join(workdir, f"e{n}.json")
        make_history(db, n, "few changes", tool, env)
        pairs = max(3, runs // (1 + n // 100_000))
        ours = [BIN, "--history", db, "history", "--export", export]
        theirs = ["sqlite3", "-json", db, "SELECT * FROM events ORDER BY id"]
        for name, a, b, comparator in [
            ("history --verify (database)", [BIN, "--history", db, "history", "--verify"],
             verifier + [db], "verify-history.py"),
            ("history --export", ours, theirs, "sqlite3 -json"),
            ("history --verify FILE (export)", [BIN, "history", "--verify", export],
             verifier + [export], "verify-history.py"),
        ]:
            r = subprocess.run(a, env=env, capture_output=True, text=True)
            assert r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr}"
            ta, tb = interleaved(a, b, env, pairs)
            print(f"{name} over {n:,} records: {ta:.3f} s, {comparator} {tb:.3f} s, ratio "
                  f"{ta / tb:.2f}x ({pairs} interleaved pairs); peak RSS "
                  f"{peak_rss_kib(a, env) / 1024:.1f} MiB, {comparator} "
                  f"{peak_rss_kib(b, env) / 1024:.1f} MiB")
        os.remove(export)
        os.remove(db)

    form = open(os.path.join(ROOT, "fixtures", "forms", "ts-dpro.html"), encoding="utf-8").read()
    filler = '<p class="x">Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing &amp; more.</p>\n'
    cut = form.index(">", form.index("<body")) + 1
    session = dict(env, LINKEDIN_LI_AT="bench-li_at-not-a-token")
    for mb in [1, 4, 8]:
        # Just under 1, 4 and 8 MiB: 8 MiB is the most a reply may be.
        size = mb * 2**20 - 4096
        page = os.path.join(workdir, f"page{mb}.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(form[:cut] + filler * ((size - len(form)) // len(filler)) + form[cut:])
        for every in [False, True]:
            base, proc = page_server(page, every)
            try:
                rec = os.path.join(workdir, f"rec{mb}{every}")
                where = "every endpoint" if every else "the form page"
                figures = []
                for name, argv in [
                    ("objection", [BIN, "--base-url", base, "--no-history", "objection",
                                   "--email", "me@example.com", "--country", "DE"]),
                    ("record", [BIN, "--base-url", base, "--no-history", "record", "--out", rec]),
                    ("drift", [BIN, "drift", rec]),
                ]:
                    if name == "objection" and every:
                        continue
                    if name == "record":
                        shutil.rmtree(rec, ignore_errors=True)
                    figures.append(f"{name} {peak_rss_kib(argv, session) / 1024:.1f} MiB")
                print(f"a {mb} MiB page from {where}: peak RSS " + ", ".join(figures)
                      + f" (4x the page: {4 * size / 2**20:.1f} MiB)")
            finally:
                proc.kill()
                proc.wait()


def history(workdir, runs):
    import hashlib
    import sqlite3
    proc, base, log_url, tokens = start_sandbox()
    try:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": workdir,
               "XDG_CONFIG_HOME": os.path.join(workdir, "config"),
               "LINKEDIN_PRIVACY_KEYRING": "none"}
        login = subprocess.run([BIN, "--base-url", base, "--insecure-storage", "login",
                                "--cookie-stdin"], input=tokens["private"], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert login.returncode == 0, "login failed"
        db = os.path.join(workdir, "h.sqlite3")
        audit = [BIN, "--base-url", base, "--insecure-storage", "audit", "--json"]
        on = audit[:1] + ["--history", db] + audit[1:]
        off = audit[:1] + ["--no-history"] + audit[1:]
        wall(on, env, 2)
        wall(off, env, 2)
        with_h, without = [], []
        for _ in range(max(runs, 30)):
            with_h.append(wall(on, env, 1)[0])
            without.append(wall(off, env, 1)[0])
        a, b = statistics.median(with_h), statistics.median(without)
        print(f"audit with a history: median {a * 1000:.2f} ms, without: {b * 1000:.2f} ms; "
              f"recording costs {(a - b) * 1000:.2f} ms ({len(with_h)} interleaved runs each)")
    finally:
        proc.kill()
        proc.wait()

    tool = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.split()[-1]
    # Two histories of 100,000 records (100 accounts x 2 settings x 500 weekly audits): one where
    # states change now and then (about 2,000 spans), one where they change all the time (about
    # 28,000 spans).
    for shape in ["few changes", "many changes"]:
        big = os.path.join(workdir, f"big-{shape.split()[0]}.sqlite3")
        n = 100_000
        make_history(big, n, shape, tool, env)
        base_cmd = [BIN, "--history", big, "history"]
        spans = len(json.loads(subprocess.run(base_cmd + ["--json"], env=env,
                                              capture_output=True, text=True).stdout)["timeline"])
        for name, extra in [("history --json", ["--json"]), ("history (table)", []),
                            ("history --verify", ["--verify"]),
                            ("history --export", ["--export", os.path.join(workdir, "e.json")])]:
            cmd = base_cmd + extra
            r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
            assert r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr}"
            median, least = wall(cmd, env, max(3, runs // 2))
            print(f"{name} over {n:,} records ({shape}, {spans:,} spans): median "
                  f"{median * 1000:.0f} ms (min {least * 1000:.0f})")


def surface(workdir, runs):
    cards = catalog_cards()
    proc = subprocess.Popen([BIN, "sandbox", "--latency-ms", "50", "--format", "ndjson"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    started = json.loads(proc.stdout.readline())
    base, log_url = started["base_url"], started["log_url"]
    tokens = {a["id"]: a["li_at"] for a in started["accounts"]}
    try:
        audit = [BIN, "--base-url", base, "--no-history", "audit", "--json"]
        n, calls = requests_made(log_url, audit, tokens["demo"])
        print(f"requests by a full audit: {n} (the catalog has {len(cards)} cards; "
              f"at most {len(cards) + 1} with /me)")
        n, calls = requests_made(log_url, audit + ["--discover"], tokens["demo"])
        print(f"requests by a full audit --discover: {n}  "
              f"({sum(1 for c in calls if 'SneakPeeks' in c)} discovery)")
        n, calls = requests_made(log_url, [BIN, "--base-url", base, "--no-history", "opt-out",
                                           "--all", "--yes", "--json"], tokens["eea"])
        puts = sum(1 for c in calls if c.startswith("PUT"))
        print(f"requests by opt-out --all on an exposed account (eea): {n} ({puts} writes)")
        env = env_for(tokens["private"])
        wall(audit, env, 1)
        median, least = wall(audit, env, runs)
        print(f"full audit at 50 ms per reply: median {median:.2f} s (min {least:.2f}) over "
              f"{runs} runs; {len(cards)} requests x 50 ms = {len(cards) * 0.05:.2f} s")
        paced = [BIN, "--base-url", base, "--no-history", "audit", "--json", "--delay-ms",
                 "2000"]
        secs, _ = wall(paced, env, 1)
        print(f"full audit with LinkedIn's pacing (2 s +- 50 % between requests, 50 ms "
              f"replies): {secs:.1f} s")
    finally:
        proc.kill()
        proc.wait()
    plain = subprocess.run([BIN, "--sandbox", "audit"], env={**os.environ, "COLUMNS": "80"},
                           capture_output=True, text=True)
    term = subprocess.run(["script", "-qec", f"stty cols 80 rows 24; {BIN} --sandbox audit",
                           "/dev/null"], capture_output=True, text=True)
    import re
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.stdout).replace("\r", "")
    lines = [l for l in text.split("\n") if l.strip()]
    print(f"demo audit at 80 columns: {len(plain.stdout.splitlines())} lines on stdout "
          f"off a terminal; {len(lines)} on a terminal, the sandbox's one-line notice "
          f"included; widest {max(len(l) for l in plain.stdout.splitlines())} columns")


def canonical(v):
    """The report's canonical form (docs/report-format.md): sorted keys, no spaces."""
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def write_reports(path, n, seed=7):
    import hashlib
    import random
    rng = random.Random(seed)
    ids = [c["id"] for c in json.loads(subprocess.run(
        [BIN, "catalog", "--json"], capture_output=True, text=True, check=True).stdout)["setting"]
        if c.get("kind") != "informational"]
    with open(path, "w") as f:
        for i in range(n):
            settings = []
            for sid in ids:
                state = rng.choice(["on", "off", "off", "off", "unknown", "not_offered"])
                private = {"on": False, "off": True}.get(state)
                settings.append({"id": sid, "group": "ai", "state": state, "private": private})
            verdict = ("exposed" if any(s["private"] is False for s in settings)
                       else "private" if all(s["private"] for s in settings if s["state"] != "not_offered")
                       else "incomplete")
            r = {"kind": "linkedin-privacy-report", "schema": 1, "report_id": f"lp-{i:016x}",
                 "made_at": f"2026-11-{1 + i % 28:02d}T08:00:00Z",
                 "tool": {"name": "linkedin-privacy", "version": "0.1.0"},
                 "catalog": "sha256:0000000000000000", "member": None, "verdict": verdict,
                 "settings": settings}
            digest = hashlib.sha256(canonical(r).encode()).hexdigest()
            r["integrity"] = {"algorithm": "sha256", "covers": "-", "sha256": digest}
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def summary(workdir, runs):
    env = dict(os.environ, LINKEDIN_PRIVACY_KEYRING="none")
    for n in (10_000, 100_000):
        path = os.path.join(workdir, f"reports-{n}.ndjson")
        write_reports(path, n)
        argv = [BIN, "summary", path, "--json"]
        out = subprocess.run(argv, env=env, capture_output=True, text=True)
        got = json.loads(out.stdout)
        assert got["members"] == n, (got["members"], out.stderr[:500])
        med, best = wall(argv, env, runs)
        rss = peak_rss_kib(argv, env)
        size = os.path.getsize(path)
        print(f"summary over {n:,} reports ({size / 2**20:.0f} MiB of NDJSON): median {med:.2f} s"
              f" (best {best:.2f} s), peak RSS {rss / 1024:.1f} MiB")
        if n == 100_000:
            # The same reports as members send them: one file each, in one folder.
            folder = os.path.join(workdir, "reports")
            os.mkdir(folder)
            with open(path) as f:
                for i, line in enumerate(f):
                    with open(os.path.join(folder, f"r{i:06d}.json"), "w") as out:
                        out.write(line)
            argv = [BIN, "summary", folder, "--json"]
            med, best = wall(argv, env, runs)
            rss = peak_rss_kib(argv, env)
            print(f"summary over a folder of {n:,} report files: median {med:.2f} s"
                  f" (best {best:.2f} s), peak RSS {rss / 1024:.1f} MiB")
        if n == 10_000:
            html = os.path.join(workdir, "summary.html")
            subprocess.run([BIN, "summary", path, "--html", html], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            print(f"summary --html for {n:,} members: {os.path.getsize(html) / 2**20:.2f} MiB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--only", choices=["single", "bulk", "drift", "history", "surface", "summary",
                                       "memory"])
    ap.add_argument("--sizes", default="10000,100000,1000000",
                    help="history sizes for --only memory")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT,
                       check=True)
    ensure("curl", "curl")
    ensure("/usr/bin/time", "time")
    import tempfile
    if args.only in (None, "memory"):
        ensure("sqlite3", "sqlite3")
        with tempfile.TemporaryDirectory() as workdir:
            memory(workdir, args.runs, [int(n) for n in args.sizes.split(",")])
        if args.only == "memory":
            return
    if args.only in (None, "summary"):
        with tempfile.TemporaryDirectory() as workdir:
            summary(workdir, args.runs)
        if args.only == "summary":
            return
    if args.only in (None, "surface"):
        with tempfile.TemporaryDirectory() as workdir:
            surface(workdir, args.runs)
        if args.only == "surface":
            return
    if args.only in (None, "history"):
        with tempfile.TemporaryDirectory() as workdir:
            history(workdir, args.runs)
        if args.only == "history":
            return
    if args.only in (None, "drift"):
        with tempfile.TemporaryDirectory() as workdir:
            drift(workdir, args.runs)
        if args.only == "drift":
            return
    if args.only in (None, "bulk"):
        with tempfile.TemporaryDirectory() as workdir:
            bulk(workdir)
        if args.only == "bulk":
            return
    proc, base, log_url, tokens = start_sandbox()
    try:
        audit = [BIN, "--base-url", base, "audit", "--json"]
        n, calls = requests_made(log_url, audit, tokens["demo"])
        cards = catalog_cards()
        print(f"requests by audit (default catalog, {len(cards)} cards): {n}")

        for account in ["demo", "private"]:
            n, calls = requests_made(
                log_url, [BIN, "--base-url", base, "opt-out", "--yes", "--json"], tokens[account])
            print(f"requests by opt-out on {account!r}: {n}  {calls}")

        token = tokens["private"]
        env = env_for(token)
        curl = ["curl", "-sS", "--fail",
                "-H", f'cookie: li_at={token}; JSESSIONID="ajax:1234567890123456789"',
                "-H", "csrf-token: ajax:1234567890123456789",
                "-H", "x-restli-protocol-version: 2.0.0",
                "-H", "accept: application/json"]
        curl += [f"{base}/mysettings-api/settingsApiSettingCards/{c}" for c in cards]
        audit = [BIN, "--base-url", base, "audit", "--json"]
        # Warm both up once so neither pays for a cold page cache.
        wall(audit, env, 1)
        wall(curl, env, 1)
        ours, ours_min = wall(audit, env, args.runs)
        theirs, theirs_min = wall(curl, env, args.runs)
        print(f"median wall time over {args.runs} runs: linkedin-privacy audit --json "
              f"{ours * 1000:.1f} ms (min {ours_min * 1000:.1f}), curl "
              f"{theirs * 1000:.1f} ms (min {theirs_min * 1000:.1f}), ratio {ours / theirs:.2f}x")

        rss = max(peak_rss_kib(audit, env) for _ in range(3))
        print(f"peak RSS of audit: {rss / 1024:.1f} MiB")
        size = os.path.getsize(BIN)
        print(f"release binary: {size / (1024 * 1024):.1f} MiB ({size} bytes)")
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
