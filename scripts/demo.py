#!/usr/bin/env python3
"""make demo: the whole of instance-watch on this machine, with no AWS account.

Starts, on loopback: moto's server (DynamoDB, SNS, EC2, SSM, STS; signatures checked), one Lambda
Runtime API emulator per function, and a Slack webhook sink. Runs the real Lambda bundles
(.build/lambda/<Product>/bootstrap) as Lambda would, organisation-wide: a central account and two
member accounts, in two regions. The story: instances start in the central account and in a member
account (its events forwarded to the central bus), a Spot instance is warned and ends, one is
stopped, another member's instance runs without anyone having been told, and a schedule tick seven
hours later finds and reports every instance left running, by account. Then shows the table, the
SNS e-mail and the Slack messages. Everything it started stops at the end, on Ctrl-C and on failure.

The functions keep their own clock, as in production, so "seven hours later" is made the way the
tests make it: the story's events are dated seven hours back, and EC2 is reached through a proxy in
front of moto that moves each instance's launchTime seven hours into the past.
"""
import json
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "Peers"))
from peer_client import Peer, http  # noqa: E402

BUNDLES = ROOT / ".build" / "lambda"
LOGS = ROOT / ".build" / "demo"
REGION = "eu-west-1"
OTHER_REGION = "us-east-1"
ACCOUNT = "123456789012"
TEAM_A = "111111111111"
TEAM_B = "222222222222"
MEMBER_ROLE = "instance-watch-reader"
STORY_HOURS = 7
TABLE = "instance_operating_time_table"
WEBHOOK_PARAMETER = "/instance-watch/slack-webhook"

BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def say(text=""):
    print(text, flush=True)


def heading(text):
    say()
    say(f"{BOLD}== {text} {'=' * max(0, 76 - len(text))}{RESET}")


class Function:
    """A bundle under its own Runtime API emulator, started as Lambda starts a provided.al2023 function."""

    def __init__(self, product, environment):
        self.product = product
        self.emulator = Peer("runtime_api_emulator.py", "--function-arn",
                             f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:instance-watch-{product}")
        bundle = BUNDLES / product
        if not (bundle / "bootstrap").exists():
            raise RuntimeError(f"no bundle at {bundle}: make demo builds it with make build")
        self.log_path = LOGS / f"{product}.log"
        self.log = open(self.log_path, "w")
        # One static executable: it runs here as it runs on provided.al2023.
        self.process = subprocess.Popen(
            [str(bundle / "bootstrap")],
            env={**environment, "AWS_LAMBDA_RUNTIME_API": self.emulator.url.removeprefix("http://"),
                 "AWS_LAMBDA_FUNCTION_NAME": f"instance-watch-{product}"},
            stdout=self.log, stderr=subprocess.STDOUT)
        self.answered = 0

    def invoke(self, event):
        http("POST", f"{self.emulator.url}/test/invoke", event)
        self.answered += 1
        results = http("GET", f"{self.emulator.url}/test/results?count={self.answered}&timeoutMs=60000")
        if len(results) < self.answered:
            raise RuntimeError(f"{self.product} did not answer within 60 s; see {self.log_path}")
        result = results[-1]
        body = json.loads(result["body"]) if result["body"] else {}
        return result["kind"], body

    def stop(self):
        if self.process.poll() is None:
            try:
                http("POST", f"{self.emulator.url}/test/next-status", {"status": 500})  # how Lambda ends a runtime
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
        self.log.close()
        self.emulator.stop()


def event(sample, instance_id, time, account=ACCOUNT, region=REGION, **detail):
    """A sample event as EventBridge delivers it on the central bus: forwarded events keep their account and region."""
    data = json.loads((ROOT / "events" / sample).read_text())
    data["time"] = iso(time)
    data["account"], data["region"] = account, region
    if instance_id:
        data["detail"]["instance-id"] = instance_id
        data["resources"] = [f"arn:aws:ec2:{region}:{account}:instance/{instance_id}"]
    data["detail"].update(detail)
    return data


def iso(time):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    started = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        heading("Starting a local AWS (moto), two Runtime API emulators and a Slack webhook sink")
        moto = Peer("moto_peer.py", announced=("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"))
        started.append(moto)
        slack = Peer("fault_server.py")
        started.append(slack)
        pricing = Peer("pricing_peer.py")
        started.append(pricing)
        http("POST", f"{slack.url}/test/default", {"status": 200, "body": "ok"})
        aging = Peer("fault_server.py", "--upstream", moto.url.removeprefix("http://"))
        started.append(aging)
        http("POST", f"{aging.url}/test/age", {"seconds": STORY_HOURS * 3600 + 120})
        say(f"  moto's server      {moto.url}  (SigV4 checked with a key made through its IAM)")
        say(f"  Slack webhook sink {slack.url}")
        say(f"  EC2 aging proxy    {aging.url}  (EC2 through it: every instance launched {STORY_HOURS} hours earlier)")
        say(f"  Price List peer    {pricing.url}  (moto has no Price List API; this one checks signatures too)")
        http("POST", f"{pricing.url}/test/keys", {moto.values["ACCESS_KEY_ID"]: moto.values["SECRET_ACCESS_KEY"]})
        http("POST", f"{pricing.url}/test/prices", [
            {"instanceType": "t3.micro", "regionCode": REGION, "usd": "0.0114000000"},
            {"instanceType": "t3.small", "regionCode": REGION, "usd": "0.0228000000"},
            {"instanceType": "m5.large", "regionCode": OTHER_REGION, "usd": "0.0960000000"},
            {"instanceType": "m5.large", "regionCode": REGION, "usd": "0.1070000000"}])

        moto.command(op="create_table", name=TABLE, key="instance_id")
        topic = moto.command(op="create_topic", name="instance-watch-alerts")["arn"]
        webhook = f"{slack.url}/services/T0DEMO/B0DEMO/demo-secret"
        moto.command(op="put_parameter", name=WEBHOOK_PARAMETER, value=webhook, type="SecureString")
        # What member-template.yaml grants: the reading role in both; team B deployed it with
        # AllowAutoStop=true, which adds the stop role that only the checker assumes.
        for member in (TEAM_A, TEAM_B):
            moto.command(op="member_role", account=member, name=MEMBER_ROLE,
                         # cloudwatch:GetMetricData, as moto names it (the service of the signature's scope)
                         actions=["ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory", "monitoring:GetMetricData"])
        moto.command(op="member_role", account=TEAM_B, name=f"{MEMBER_ROLE}-stop", actions=["ec2:DescribeInstances", "ec2:StopInstances"])
        fleet, where = {}, {}
        for name, account, region, options in (
                ("web-frontend", ACCOUNT, REGION, {}),
                ("batch-worker", TEAM_A, OTHER_REGION, {"spot": True, "type": "c5.large"}),
                ("analytics-db", ACCOUNT, REGION, {"type": "m5.large"}),
                ("ml-training", TEAM_A, OTHER_REGION, {"type": "m5.large"}),
                ("forgotten-sandbox", TEAM_B, REGION, {"type": "t3.small", "tags": {"instance-watch:stop-after": "6h"}})):
            member = {} if account == ACCOUNT else {"account": account}
            tags = {"Name": name, **options.pop("tags", {})}
            answer = moto.command(op="run_instances", count=1, tags=tags, region=region, **member, **options)
            fleet[name], where[name] = answer["ids"][0], (account, region)
        # What CloudWatch saw over the seven hours: the forgotten sandbox idle, the training job and
        # the web frontend busy (their own accounts and regions keep their own metrics).
        for name, cpu, network in (("forgotten-sandbox", 0.8, 20_000), ("ml-training", 92.0, 50_000_000), ("web-frontend", 35.0, 200_000_000)):
            account, region = where[name]
            member = {} if account == ACCOUNT else {"account": account}
            moto.command(op="instance_metrics", id=fleet[name], hours=STORY_HOURS, cpu=cpu, network_bytes_per_hour=network, region=region, **member)
        # The story starts seven hours ago (the aging proxy makes EC2 agree).
        launched = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=STORY_HOURS)
        say(f"  table {TABLE}, topic {topic.split(':')[-1]}, SSM SecureString {WEBHOOK_PARAMETER} (the webhook URL)")
        say(f"  central account {ACCOUNT} ({REGION}); members {TEAM_A} and {TEAM_B}, each with the role {MEMBER_ROLE}"
            f" ({TEAM_B} also with {MEMBER_ROLE}-stop)")
        for name, instance_id in fleet.items():
            account, region = where[name]
            note = "  (Spot)" if name == "batch-worker" else "  (tagged instance-watch:stop-after=6h)" if name == "forgotten-sandbox" else ""
            say(f"  EC2 instance {instance_id}  {account}/{region:<10} {name}{note}")
        say("  (member instances were launched with member credentials: the central account's own cannot see them)")

        aws = {"PATH": "/usr/bin:/bin", "AWS_REGION": REGION, "AWS_ENDPOINT_URL": moto.url, "AWS_ENDPOINT_URL_EC2": aging.url,
               "AWS_ACCESS_KEY_ID": moto.values["ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": moto.values["SECRET_ACCESS_KEY"],
               "TABLE_NAME": TABLE, "SLACK_WEBHOOK_PARAMETER": WEBHOOK_PARAMETER, "AWS_LAMBDA_LOG_FORMAT": "Text",
               "MEMBER_ROLE_NAME": MEMBER_ROLE}
        state_change = Function("StateChangeHandler", aws)
        started.append(state_change)
        checker = Function("UptimeChecker", {**aws, "TOPIC_ARN": topic, "UPTIME_THRESHOLD": "6h", "NOTIFY_MODE": "digest",
                                             "AWS_ENDPOINT_URL_PRICING": pricing.url, "AUTO_STOP": "on",
                                             "WATCHED_ACCOUNTS": f"{TEAM_A},{TEAM_B}", "WATCHED_REGIONS": OTHER_REGION})
        started.append(checker)
        say(f"  StateChangeHandler and UptimeChecker bundles running (logs in {LOGS.relative_to(ROOT)}/)")

        heading("The story, as EventBridge would deliver it on the central bus")
        names = {instance_id: name for name, instance_id in fleet.items()}

        def deliver(function, at, description, payload):
            kind, answer = function.invoke(payload)
            outcome = answer.get("action") if kind == "response" else f"ERROR {answer.get('errorType')}: {answer.get('errorMessage')}"
            if function is checker and kind == "response":
                outcome = (f"scanned {answer['scanned']}, running {answer['running']}, overdue {answer['overdue']}, "
                           f"notified {answer['notified']}, repaired {answer['repaired']}, "
                           f"{len(answer.get('checked', []))} account/region pairs checked")
            say(f"  {at.strftime('%H:%M')}  {function.product:<18} {description:<54} -> {outcome}")
            return kind, answer

        for name in ("web-frontend", "batch-worker", "analytics-db", "ml-training"):
            account, region = where[name]
            origin = "" if account == ACCOUNT else f" (forwarded from {account})"
            deliver(state_change, launched, f"{name} running{origin}",
                    event("state-change-running.json", fleet[name], launched, account=account, region=region))
        warned = launched + timedelta(hours=1)
        deliver(state_change, warned, f"batch-worker Spot warning (forwarded from {TEAM_A})",
                event("spot-interruption-warning.json", fleet["batch-worker"], warned, account=TEAM_A, region=OTHER_REGION,
                      **{"instance-action": "terminate"}))
        moto.command(op="terminate_instances", ids=[fleet["batch-worker"]], account=TEAM_A, region=OTHER_REGION)
        ended = warned + timedelta(minutes=2)
        deliver(state_change, ended, f"batch-worker terminated (forwarded from {TEAM_A})",
                event("state-change-terminated.json", fleet["batch-worker"], ended, account=TEAM_A, region=OTHER_REGION))
        moto.command(op="stop_instances", ids=[fleet["analytics-db"]])
        stopped = launched + timedelta(hours=3)
        deliver(state_change, stopped, "analytics-db stopped", event("state-change-stopped.json", fleet["analytics-db"], stopped))
        say(f"         (forgotten-sandbox in {TEAM_B}/{REGION} started without anyone being told: no event)")
        tick = datetime.now(timezone.utc)
        kind, result = deliver(checker, tick, "schedule tick, now: 7 hours after the starts", event("scheduled-event.json", None, tick))
        expected = {fleet["web-frontend"], fleet["ml-training"], fleet["forgotten-sandbox"]}
        if kind != "response" or set(result.get("overdueInstanceIds", [])) != expected:
            raise RuntimeError(f"the UptimeChecker should have found web-frontend, ml-training and forgotten-sandbox overdue, and answered {result}")
        say(f"         checked: {', '.join(result['checked'])}")
        say(f"         idle by CloudWatch: {', '.join(names.get(i, i) for i in result.get('idle', [])) or 'none'};"
            f" busy: {', '.join(names.get(i, i) for i in result.get('busy', [])) or 'none'}")
        say(f"         stopped (AUTO_STOP=on, opted in by tag, idle): {', '.join(result.get('stopped', [])) or 'none'}")
        for repair in result.get("repairs", []):
            say(f"         repaired {repair}")

        heading(f"The table {TABLE}")
        items = moto.command(op="scan_all", table=TABLE)["items"]
        columns = (("instance_id", 20), ("account", 13), ("region", 10), ("state", 11), ("start_time", 21), ("stop_time", 21),
                   ("expires_at", 11))
        say("  " + "".join(f"{c:<{w}}" for c, w in columns) + "Name")
        for item in sorted(items, key=lambda i: i["instance_id"]["S"]):
            values = [next(iter(item[c].values())) if c in item else "" for c, _ in columns]
            say("  " + "".join(f"{v:<{w}}" for v, (_, w) in zip(values, columns)) + names.get(values[0], ""))

        heading("The SNS e-mail (as moto's SNS sent it)")
        for message in moto.command(op="sns_messages", topic=topic)["messages"]:
            say(f"  Subject: {message['subject']}")
            say()
            for line in message["message"].splitlines():
                say(f"  | {line}")

        heading("The Slack messages (as the webhook sink received them)")
        for post in http("GET", f"{slack.url}/test/requests"):
            payload = json.loads(post["body"])
            attachment = payload["attachments"][0]
            say(f"  [{attachment['color']}] {payload['text']}")
            for block in attachment["blocks"]:
                if block["type"] == "context" and block["elements"][0]["text"].startswith("*Account"):
                    say(f"    {block['elements'][0]['text'].replace('*', '')}")
                elif block["type"] == "section" and "text" in block and block["text"]["text"].startswith("*<"):
                    first, _, second = block["text"]["text"].partition("\n")
                    instance = first.split("|", 1)[1].split(">", 1)[0]
                    say(f"      {instance}  {first.split('*  ', 1)[-1]}; {second.replace('*', '')}")
                elif block["type"] == "section" and "fields" in block:
                    for field in block["fields"]:
                        label, _, value = field["text"].partition("\n")
                        say(f"      {label.strip('*'):<14} {value}")
                elif block["type"] == "actions":
                    say(f"      button: {block['elements'][0]['url']}")
            say()
        say(f"{BOLD}Done.{RESET} The same bundles are what `sam build` puts in the Lambda zips (see docs/deploying.md).")
        return 0
    except KeyboardInterrupt:
        say("\ninterrupted: stopping everything")
        return 130
    except Exception as error:
        say(f"\nmake demo failed: {error}")
        return 1
    finally:
        for thing in reversed(started):
            thing.stop()


if __name__ == "__main__":
    sys.exit(main())
