#!/usr/bin/env python3
"""Measures the figures the issues ask for, against a sandbox running in its own process.

    scripts/bench.py [--runs N] [--no-build]

Prints:
  - requests made by `audit` with the default catalog (counted by the sandbox's request log);
  - requests made by `opt-out` on an account whose toggle is on, and on one already off;
  - the median wall time of `linkedin-privacy --base-url URL audit --json` against `curl`
    fetching the same cards from the same sandbox (N runs each, default 10);
  - the peak RSS of `audit` and the size of the release binary.

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
CARDS = ["dataForAiImprovement", "policyAndAcademicResearch"]


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT,
                       check=True)
    ensure("curl", "curl")
    ensure("/usr/bin/time", "time")
    proc, base, log_url, tokens = start_sandbox()
    try:
        audit = [BIN, "--base-url", base, "audit", "--json"]
        n, calls = requests_made(log_url, audit, tokens["demo"])
        print(f"requests by audit (default catalog, {len(CARDS)} cards): {n}  {calls}")

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
        curl += [f"{base}/mysettings-api/settingsApiSettingCards/{c}" for c in CARDS]
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
