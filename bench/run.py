#!/usr/bin/env python3
"""make bench: the Swift functions and a boto3 reference (bench/python/), measured side by side on
this machine, under the same Runtime API emulator and against the same local AWS (moto's server
behind a keep-alive proxy that counts connections).

For each implementation, BENCH_RUNS times (default 5), each run in fresh processes:
  - cold start: from spawning the process to its first GET /next, and to its first answered
    invocation (a state change written to DynamoDB);
  - warm: BENCH_WARM invocations (default 1000) of an ignored event, then of state changes: the
    function process's own CPU time (utime+stime from /proc) and wall time per invocation;
  - checker: one tick over tables of 1,000 and 10,000 records: process CPU, wall, peak memory;
  - peak RSS (VmHWM) of every process, zip size, TCP connections opened per endpoint.
Prints a table (median [min..max], Swift/Python ratio pair by pair) and writes JSON to
.build/bench/results.json; checks the budgets and exits 1 if one fails.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "Tests" / "Peers"
sys.path.insert(0, str(PEERS))
from peer_client import Peer, http  # noqa: E402

OUT = ROOT / ".build" / "bench"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
WARM = int(os.environ.get("BENCH_WARM", "1000"))
TICKS = os.sysconf("SC_CLK_TCK")
FUNCTIONS = {"StateChangeHandler": "state_change", "UptimeChecker": "uptime_checker"}
BUDGETS = [  # (metric, limit, unit, what)
    ("cold_to_first_next_ms", 15, "ms", "cold start to first GET /next, median"),
    ("peak_rss_mb", 16, "MB", "peak RSS of any Swift process, median of runs"),
    ("warm_ignored_cpu_ms", 0.3, "ms", "warm ignored-event invocation CPU, median"),
    ("warm_connections_per_endpoint", 1, "", "connections per endpoint over a warm run (keep-alive endpoints)"),
    ("zip_mb", 16, "MB", "each zip"),
]


def say(text=""):
    print(text, flush=True)


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def iso(time_value):
    return time_value.strftime("%Y-%m-%dT%H:%M:%SZ")


class Implementation:
    def __init__(self, name):
        self.name = name

    def command(self, product):
        if self.name == "swift":
            bundle = ROOT / ".build" / "lambda" / product
            # The bundle's own loader, as in the empty-root test (its interpreter path is /var/task/lib/...).
            return [str(bundle / "lib" / "ld-linux-x86-64.so.2"), str(bundle / "bootstrap")], None
        return [sys.executable, "-u", "runtime.py", FUNCTIONS[product]], ROOT / "bench" / "python"

    def zip_mb(self, product):
        if self.name == "swift":
            return (ROOT / ".build" / "lambda" / f"{product}.zip").stat().st_size / 1e6
        # What a Python Lambda ships: its handler (boto3 comes with the runtime).
        path = OUT / f"{FUNCTIONS[product]}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(ROOT / "bench" / "python" / f"{FUNCTIONS[product]}.py", f"{FUNCTIONS[product]}.py")
        return path.stat().st_size / 1e6


class Process:
    """One function process under its own emulator, its AWS calls through its own counting proxy."""

    def __init__(self, implementation, product, environment, moto_url, first_events):
        self.emulator = Peer(PEERS / "runtime_api_emulator.py", "--timeout-ms", "600000")
        self.proxy = Peer(ROOT / "bench" / "keepalive_proxy.py", moto_url)
        if first_events:
            http("POST", f"{self.emulator.url}/test/invoke-many", first_events)
        argv, cwd = implementation.command(product)
        self.log = open(OUT / f"{implementation.name}-{product}.log", "a")
        env = {**environment, "AWS_ENDPOINT_URL": self.proxy.url, "AWS_LAMBDA_RUNTIME_API": self.emulator.url[len("http://"):]}
        self.started = time.time()
        self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.answered = 0

    def wait(self, count):
        results = http("GET", f"{self.emulator.url}/test/results?count={count}&timeoutMs=600000")
        if len(results) < count:
            raise RuntimeError(f"only {len(results)} of {count} answers; see {self.log.name}")
        failed = [r for r in results if r["kind"] != "response"]
        if failed:
            raise RuntimeError(f"{len(failed)} invocations failed, e.g. {failed[0]['body'][:300]}; see {self.log.name}")
        self.answered = count
        return results

    def run(self, events):
        """Queues events at once; returns (CPU seconds, wall seconds) of the process for all of them."""
        cpu_before, wall_before = cpu_seconds(self.process.pid), time.time()
        http("POST", f"{self.emulator.url}/test/invoke-many", events)
        results = self.wait(self.answered + len(events))
        return cpu_seconds(self.process.pid) - cpu_before, results[-1]["answeredAt"] - wall_before

    def stats(self):
        return http("GET", f"{self.emulator.url}/test/stats"), http("GET", f"{self.proxy.url}/__proxy/stats")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.emulator.stop()
        self.proxy.stop()


def state_event(instance_id, state, at):
    return {"version": "0", "id": "bench", "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
            "account": "123456789012", "time": iso(at), "region": "eu-west-1", "resources": [],
            "detail": {"instance-id": instance_id, "state": state}}


IGNORED = {"version": "0", "id": "bench", "detail-type": "Object Created", "source": "aws.s3", "account": "123456789012",
           "time": "2026-11-21T08:00:00Z", "region": "eu-west-1", "resources": [], "detail": {}}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for log in OUT.glob("*.log"):
        log.unlink()
    implementations = [Implementation("swift"), Implementation("python")]
    samples = {}  # metric -> implementation -> [values]

    def record(metric, implementation, value):
        samples.setdefault(metric, {}).setdefault(implementation.name, []).append(value)

    say(f"==> make bench: {RUNS} runs, {WARM} warm invocations each, on {platform.node()} ({os.cpu_count()} cores)")
    moto = Peer(PEERS / "moto_peer.py", announced=("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"))
    try:
        base = {"PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
                "AWS_ACCESS_KEY_ID": moto.values["ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": moto.values["SECRET_ACCESS_KEY"],
                "AWS_LAMBDA_LOG_LEVEL": "WARN"}
        topic = moto.command(op="create_topic", name="bench-alerts")["arn"]
        say("==> preparing the checker's tables (1,000 and 10,000 records; 5 of them running instances)")
        running = moto.command(op="run_instances", count=5, tags={"Name": "bench"})
        launched = datetime.strptime(running["launch_times"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        tables = {}
        for size in (1000, 10000):
            name = f"bench-{size}"
            moto.command(op="create_table", name=name, key="instance_id")
            records = [{"instance_id": f"i-{index:017x}", "start_time": "2026-11-20T08:00:00Z", "stop_time": "2026-11-20T09:00:00Z"}
                       for index in range(size - 5)]
            records += [{"instance_id": i, "start_time": iso(launched), "stop_time": ""} for i in running["ids"]]
            moto.command(op="put_items", table=name, items=records)
            tables[size] = name
        tick = {"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
                "time": iso(launched + timedelta(hours=7)), "region": "eu-west-1", "resources": [], "detail": {}}

        for run in range(RUNS):
            say(f"==> run {run + 1} of {RUNS}")
            for implementation in implementations:
                table = f"bench-states-{implementation.name}-{run}"
                moto.command(op="create_table", name=table, key="instance_id")
                environment = {**base, "TABLE_NAME": table}
                start = datetime(2026, 11, 21, 8, tzinfo=timezone.utc)
                process = Process(implementation, "StateChangeHandler", environment, moto.url,
                                  [state_event("i-0000000000000c01d", "running", start)])
                try:
                    first = process.wait(1)[0]
                    emulator_stats, _ = process.stats()
                    record("cold_to_first_next_ms", implementation, (emulator_stats["nextTimes"][0] - process.started) * 1000)
                    record("cold_to_first_answer_ms", implementation, (first["answeredAt"] - process.started) * 1000)
                    cpu, wall = process.run([IGNORED] * WARM)
                    record("warm_ignored_cpu_ms", implementation, cpu / WARM * 1000)
                    record("warm_ignored_wall_ms", implementation, wall / WARM * 1000)
                    changes = [state_event("i-0000000000000c01d", "stopped" if index % 2 == 0 else "running",
                                           start + timedelta(seconds=index + 1)) for index in range(WARM)]
                    cpu, wall = process.run(changes)
                    record("warm_state_change_cpu_ms", implementation, cpu / WARM * 1000)
                    record("warm_state_change_wall_ms", implementation, wall / WARM * 1000)
                    runtime_after, proxy_after = process.stats()
                    record("runtime_api_connections", implementation, runtime_after["runtimeConnections"])
                    record("aws_connections", implementation, proxy_after["connections"])
                    # Over the process's whole life, per endpoint: the Runtime API, and AWS (one endpoint here).
                    record("warm_connections_per_endpoint", implementation,
                           max(runtime_after["runtimeConnections"], proxy_after["connections"]))
                    record("state_change_peak_rss_mb", implementation, peak_rss_mb(process.process.pid))
                finally:
                    process.stop()

                for size, table in tables.items():
                    process = Process(implementation, "UptimeChecker", {**base, "TABLE_NAME": table, "TOPIC_ARN": topic},
                                      moto.url, [tick])
                    try:
                        result = process.wait(1)[0]
                        answer = json.loads(result["body"])
                        if answer.get("scanned") != size or answer.get("overdue") != 5:
                            raise RuntimeError(f"{implementation.name} checker answered {result['body'][:300]}")
                        record(f"checker_{size}_cpu_ms", implementation, cpu_seconds(process.process.pid) * 1000)
                        record(f"checker_{size}_wall_ms", implementation, (result["answeredAt"] - process.started) * 1000)
                        record(f"checker_{size}_peak_rss_mb", implementation, peak_rss_mb(process.process.pid))
                    finally:
                        process.stop()
    finally:
        moto.stop()

    for implementation in implementations:
        for product in FUNCTIONS:
            record(f"zip_mb_{product}", implementation, implementation.zip_mb(product))
    memory_metrics = [m for m in samples if m.endswith("peak_rss_mb")]
    for implementation in implementations:
        per_run = zip(*(samples[m][implementation.name] for m in memory_metrics))
        samples.setdefault("peak_rss_mb", {})[implementation.name] = [max(values) for values in per_run]
    report(samples)


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def report(samples):
    metrics = {}
    say()
    say(f"{'metric':<32} {'swift median [min..max]':>30} {'python median [min..max]':>32} {'swift/python':>13}")
    for metric, by_implementation in samples.items():
        swift, python = summary(by_implementation["swift"]), summary(by_implementation["python"])
        # Ratios pair by pair (run i of Swift with run i of Python), then their median.
        ratios = [s / p for s, p in zip(swift["values"], python["values"]) if p]
        ratio = statistics.median(ratios) if ratios else None
        metrics[metric] = {"swift": swift, "python": python, "ratio": ratio}

        def cell(s):
            return f"{s['median']:.3f} [{s['min']:.3f}..{s['max']:.3f}]"
        say(f"{metric:<32} {cell(swift):>30} {cell(python):>32} {(f'{ratio:.3f}' if ratio is not None else '-'):>13}")

    say()
    budgets, failed = [], 0
    for metric, limit, unit, what in BUDGETS:
        if metric == "zip_mb":
            value = max(metrics[m]["swift"]["max"] for m in metrics if m.startswith("zip_mb_"))
        elif metric == "warm_connections_per_endpoint":
            value = metrics[metric]["swift"]["max"]
        else:
            value = metrics[metric]["swift"]["median"]
        passed = value <= limit
        failed += not passed
        budgets.append({"metric": metric, "what": what, "limit": limit, "value": value, "pass": passed})
        say(f"budget {'PASS' if passed else 'FAIL'}  {what}: {value:.3f} {unit} (at most {limit} {unit})")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result = {"commit": commit, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.node(),
              "cores": os.cpu_count(), "runs": RUNS, "warm_invocations": WARM, "metrics": metrics, "budgets": budgets}
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    say(f"\nJSON: {(OUT / 'results.json').relative_to(ROOT)} (commit {commit}); logs of the processes in {OUT.relative_to(ROOT)}/")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
