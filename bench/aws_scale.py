#!/usr/bin/env python3
"""One UptimeChecker run over an organisation at AWS's latencies (bench/aws_standin.py: STS 100 ms,
EC2 150 ms, DynamoDB 10 ms): ACCOUNTS member accounts and the central one, REGIONS regions each,
INSTANCES new instances in every pair (a first run in a new organisation: every instance is missing
from the table and is recorded). The checker runs as Lambda runs it (the Runtime API emulator), so
its peak memory can be read before it exits.

Figures: wall time to the answer, process CPU, peak RSS (anonymous and file-backed at the end),
requests in flight at most, and when reading (AssumeRole, DescribeInstances) and writing (UpdateItem)
began and ended. make bench calls `measure`; by hand:

  python3 bench/aws_scale.py --accounts 1000 --regions 4 --pool 32
"""
import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "Peers"))
from peer_client import Peer, http  # noqa: E402

CENTRAL = "123456789012"
# Every commercial region a default account has: where forgotten instances hide.
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
           "eu-central-1", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
           "ap-northeast-2", "ap-northeast-3", "sa-east-1"]
TICKS = os.sysconf("SC_CLK_TCK")


def proc_status(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmHWM", "RssAnon", "RssFile"):
                values[name] = int(rest.split()[0]) / 1024
    return values


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(argv, cwd, accounts, regions, pool, instances=1, log=None, extra_environment=None, failing=False, overdue=False):
    """One run; its figures. Raises when the run does not answer, or misses a pair (`failing`: a run
    whose alerts fail on purpose, to exercise the claims given back, answers an error instead).
    `overdue`: every instance launched 7 hours ago, so each is overdue, its activity asked of
    CloudWatch and alerted (in a digest, as an organisation of this size would have it)."""
    members = [f"{100000000000 + n:012d}" for n in range(1, accounts + 1)]
    standin = Peer(ROOT / "bench" / "aws_standin.py", "--instances", str(instances), "--central", CENTRAL,
                   "--launched-hours-ago", "7" if overdue else "1")
    if overdue:
        extra_environment = {"NOTIFY_MODE": "digest", **(extra_environment or {})}
    emulator = Peer(ROOT / "Tests" / "Peers" / "runtime_api_emulator.py", "--timeout-ms", "900000")
    tick = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events", "account": CENTRAL,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "region": REGIONS[0], "resources": [], "detail": {}}
    environment = {"PATH": "/usr/bin:/bin", "AWS_REGION": REGIONS[0], "AWS_ACCESS_KEY_ID": "stand-in", "AWS_SECRET_ACCESS_KEY": "stand-in",
                   "AWS_ENDPOINT_URL": standin.url, "AWS_LAMBDA_LOG_LEVEL": "WARN", "TABLE_NAME": "instance-watch-scale",
                   "SLACK_WEBHOOK_URL": f"{standin.url}/services/T/B/X", "PRICING": "off",
                   "MEMBER_ROLE_NAME": "instance-watch-reader", "WATCHED_ACCOUNTS": ",".join(members),
                   "WATCHED_REGIONS": ",".join(REGIONS[1:regions]), "CHECK_CONCURRENCY": str(pool),
                   "AWS_LAMBDA_RUNTIME_API": emulator.url[len("http://"):], **(extra_environment or {})}
    http("POST", f"{emulator.url}/test/invoke-many", [tick])
    began = time.time()
    process = subprocess.Popen(argv, cwd=cwd, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, env=environment)
    try:
        result = http("GET", f"{emulator.url}/test/results?count=1&timeoutMs=900000", timeout=960)[0]
        wall = result["answeredAt"] - began
        answer = json.loads(result["body"])
        pairs = (accounts + 1) * regions
        if not failing and (result["kind"] != "response" or len(answer.get("checked", [])) != pairs):
            raise RuntimeError(f"{accounts} x {regions} at pool {pool}: {result['body'][:600]}")
        memory, cpu = proc_status(process.pid), cpu_seconds(process.pid)
        stats = http("GET", f"{standin.url}/test/stats")
    finally:
        process.kill()
        process.wait()
        emulator.stop()
        standin.stop()

    def span(*operations):
        first = [stats["first"][op] for op in operations if op in stats["first"]]
        last = [stats["last"][op] for op in operations if op in stats["last"]]
        return (min(first) - began, max(last) - began) if first and last else (0.0, 0.0)
    reading, writing, activity, notifying = span("AssumeRole", "DescribeInstances"), span("UpdateItem"), span("GetMetricData"), span("SlackWebhook")
    return {"accounts": accounts, "regions": regions, "pairs": pairs, "pool": pool, "wall_s": wall, "cpu_s": cpu,
            "overdue": answer.get("overdue", 0), "notified": answer.get("notified", 0), "activity_s": activity, "notifying_s": notifying,
            "activity_calls": stats["requests"].get("GetMetricData", 0), "posts": stats["requests"].get("SlackWebhook", 0),
            "peak_rss_mb": memory["VmHWM"], "anon_mb": memory["RssAnon"], "file_mb": memory["RssFile"],
            "max_in_flight": stats["maxInFlight"], "connections": stats.get("connections", 0), "requests": stats["requests"], "repaired": answer.get("repaired", 0),
            "reading_s": reading, "writing_s": writing}


def describe(figures):
    reading, writing = figures["reading_s"], figures["writing_s"]
    text = (f"{figures['accounts']:,} accounts x {figures['regions']} regions, pool {figures['pool']}: {figures['wall_s']:.1f} s, "
            f"{figures['cpu_s']:.1f} s CPU, peak RSS {figures['peak_rss_mb']:.1f} MB ({figures['anon_mb']:.1f} anonymous), "
            f"{figures['max_in_flight']} requests in flight at most over {figures['connections']:,} connections; reading {reading[0]:.1f}-{reading[1]:.1f} s, "
            f"writing {writing[0]:.1f}-{writing[1]:.1f} s ({figures['repaired']:,} recorded)")
    if figures.get("overdue"):
        activity, notifying = figures["activity_s"], figures["notifying_s"]
        text += (f"; {figures['overdue']:,} overdue: activity {activity[0]:.1f}-{activity[1]:.1f} s ({figures['activity_calls']:,} GetMetricData calls), "
                 f"notifying {notifying[0]:.1f}-{notifying[1]:.1f} s ({figures['notified']:,} alerted in {figures['posts']} Slack posts)")
    return text


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    # The bundle's stripped bootstrap, as Lambda runs it (the unstripped build maps more file-backed pages).
    parser.add_argument("--binary", default=str(ROOT / ".build" / "lambda" / "UptimeChecker" / "bootstrap"))
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--pool", type=int, default=16)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--failing", action="store_true", help="the run's alerts fail (measure it all the same)")
    parser.add_argument("--overdue", action="store_true", help="every instance overdue: activity asked, alerts sent (in a digest)")
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the checker's environment")
    arguments = parser.parse_args()
    extra = dict(item.split("=", 1) for item in arguments.env)
    print(describe(measure([arguments.binary], ROOT, arguments.accounts, arguments.regions, arguments.pool,
                           instances=arguments.instances, extra_environment=extra, failing=arguments.failing,
                           overdue=arguments.overdue)))
