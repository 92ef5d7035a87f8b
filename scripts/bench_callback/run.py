#!/usr/bin/env python3
"""Runs the callback benchmark: the Rust server (examples/bench_callback_server.rs)
and the wechatpy peer (wechatpy_server.py beside this script), one after the
other, under the same load (examples/bench_callback_load.rs), for several
rounds; prints each run, the medians and the ratios.

    pip install -r scripts/bench_callback/requirements.txt
    python3 scripts/bench_callback/run.py                   # 5 rounds, 50,000 messages, 32 connections
    python3 scripts/bench_callback/run.py --peer uvicorn:2  # the peer with 2 worker processes
    python3 scripts/bench_callback/run.py --account         # an official account's own URL (POST /wechat)

Run it from the repository root. It builds the two Rust examples in release
mode first (--no-build to skip). Each round starts every server afresh on a
free loopback port, loads it, and stops it. Every message is checked; a run
with a failed message makes the script exit non-zero.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
RELEASE = os.path.join(TARGET, "release", "examples")


def start(command):
    """Starts a server; returns (process, port) once it listens."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("listening on "):
            return process, int(line.strip().rsplit(":", 1)[1])
    stop(process)
    raise RuntimeError(f"{command[0]} did not start listening")


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load(args, label, port, pid):
    command = [
        os.path.join(RELEASE, "bench_callback_load"),
        "--target", f"127.0.0.1:{port}",
        "--pid", str(pid),
        "--messages", str(args.messages),
        "--warmup", str(args.warmup),
        "--concurrency", str(args.concurrency),
        "--label", label,
    ] + (["--account"] if args.account else [])
    done = subprocess.run(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=1800
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
    if not lines:
        raise RuntimeError(f"the load generator printed nothing (exit {done.returncode})")
    return json.loads(lines[-1])


def servers(args):
    account = ["--account"] if args.account else []
    rust = [os.path.join(RELEASE, "bench_callback_server"), "--listen", "127.0.0.1:0"] + account
    out = [("rust", rust)]
    for peer in args.peer:
        kind, _, workers = peer.partition(":")
        workers = workers or "1"
        command = [
            sys.executable, os.path.join(HERE, "wechatpy_server.py"),
            "--port", "0", "--server", kind, "--workers", workers,
        ] + account
        out.append((f"wechatpy-{kind}-{workers}", command))
    return out


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--warmup", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--peer", action="append",
        help="the peer as SERVER:WORKERS (uvicorn:1, uvicorn:2, aiohttp:1); repeatable; default uvicorn:1",
    )
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument(
        "--account", action="store_true",
        help="an official account's own message URL (POST /wechat) instead of an authorizer's",
    )
    args = parser.parse_args()
    args.peer = args.peer or ["uvicorn:1"]

    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "-q",
             "--example", "bench_callback_server", "--example", "bench_callback_load"],
            cwd=ROOT, check=True,
        )
    runs = {}
    failed = False
    for round_number in range(1, args.rounds + 1):
        for label, command in servers(args):
            process, port = start(command)
            try:
                result = load(args, label, port, process.pid)
            finally:
                stop(process)
            runs.setdefault(label, []).append(result)
            failed |= result["failures"] > 0 or result["warmup_failures"] > 0
            print(
                f"round {round_number} {label:>18}: {result['messages_per_second']:9.0f} msg/s"
                f"  {result['cpu_us_per_message']:7.1f} µs CPU/msg"
                f"  peak RSS {result['server_peak_rss_kib'] / 1024:6.1f} MiB"
                f"  failures {result['failures']}",
                flush=True,
            )

    print()
    print(f"medians of {args.rounds} rounds, {args.messages} messages each, "
          f"{args.concurrency} keep-alive connections:")
    for label, results in runs.items():
        print(
            f"{label:>18}: {median(results, 'messages_per_second'):9.0f} msg/s"
            f"  {median(results, 'cpu_us_per_message'):7.1f} µs CPU/msg"
            f"  peak RSS {median(results, 'server_peak_rss_kib') / 1024:6.1f} MiB"
            f"  failures {sum(r['failures'] for r in results)}"
        )
    rust = runs["rust"]
    for label, results in runs.items():
        if label == "rust":
            continue
        throughput = median(rust, "messages_per_second") / median(results, "messages_per_second")
        cpu = median(results, "cpu_us_per_message") / median(rust, "cpu_us_per_message")
        per_round_throughput = [
            r["messages_per_second"] / p["messages_per_second"] for r, p in zip(rust, results)
        ]
        per_round_cpu = [p["cpu_us_per_message"] / r["cpu_us_per_message"] for r, p in zip(rust, results)]
        print(
            f"rust vs {label}: {throughput:.1f}x the throughput (goal 5x: "
            f"{'met' if throughput >= 5 else 'NOT met'}), {cpu:.1f}x less CPU per message "
            f"(goal 10x: {'met' if cpu >= 10 else 'NOT met'}); per round: throughput "
            + ", ".join(f"{x:.1f}" for x in per_round_throughput)
            + "; CPU " + ", ".join(f"{x:.1f}" for x in per_round_cpu)
        )
    if failed:
        print("some messages failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
