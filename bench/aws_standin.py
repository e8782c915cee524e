#!/usr/bin/env python3
"""A stand-in for AWS with AWS's latencies, for make bench's organisation-scale figures (not part of
the product, nor of the tests): moto answers in ~17 ms and serialises under load, so how a run
behaves against AWS cannot be measured against it. This answers, after a fixed delay each:

  STS AssumeRole (100 ms), GetCallerIdentity (20 ms)     query protocol, XML as STS writes it
  EC2 DescribeInstances (150 ms)                        XML as EC2 writes it: in each account and region,
                                                        INSTANCES running instances, launched an hour ago
  DynamoDB Scan, BatchGetItem, UpdateItem (10 ms)       JSON 1.0; the table starts empty and takes every
                                                        write (its conditions hold: every instance is new)
  CloudWatch GetMetricData (50 ms)                      no datapoints (activity unknown)
  a Slack webhook, POST /services/… (100 ms)            "ok"

Which account a call acts in comes from its access key (AssumeRole hands out AKIA<account>), the
region from its SigV4 scope. Signatures are not checked (moto's server checks them in the tests).

  GET /test/stats   {"requests": {op: n}, "connections": n, "maxInFlight": n, "first": {op: t}, "last": {op: t}}
Prints "PORT <n>"; exits when stdin closes. Options: --instances N (default 1), --central ACCOUNT,
--launched-hours-ago H (default 1; past the checker's 6h every instance is overdue and alerted).
"""
import argparse
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

LATENCY = {"AssumeRole": 0.100, "GetCallerIdentity": 0.020, "DescribeInstances": 0.150,
           "Scan": 0.010, "BatchGetItem": 0.010, "UpdateItem": 0.010, "GetMetricData": 0.050, "SlackWebhook": 0.100}
LOCK = threading.Lock()
STATS = {"requests": {}, "inFlight": 0, "maxInFlight": 0, "first": {}, "last": {}}
SCOPE = re.compile(r"Credential=([^/,]+)/\d{8}/([^/,]+)/")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] = STATS.get("connections", 0) + 1

    def answer(self, status, body, content_type):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with LOCK:
            stats = {key: value for key, value in STATS.items() if key != "inFlight"}
        self.answer(200, json.dumps(stats), "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        scope = SCOPE.search(self.headers.get("Authorization", ""))
        key, region = (scope.group(1), scope.group(2)) if scope else ("", "us-east-1")
        account = key[4:16] if key.startswith("AKIA") and key[4:16].isdigit() else ARGS.central
        target = self.headers.get("X-Amz-Target", "")
        if self.path.startswith("/services/"):
            operation, params = "SlackWebhook", {}
        elif target:
            operation = target.rpartition(".")[2]
            params = json.loads(body or b"{}")
        else:
            params = dict(parse_qsl(body.decode()))
            operation = params.get("Action", "")
        started = time.monotonic()
        with LOCK:
            STATS["requests"][operation] = STATS["requests"].get(operation, 0) + 1
            STATS["inFlight"] += 1
            STATS["maxInFlight"] = max(STATS["maxInFlight"], STATS["inFlight"])
            STATS["first"].setdefault(operation, time.time())
        try:
            time.sleep(LATENCY.get(operation, 0.010))
            self.respond(operation, params, account, region)
        finally:
            with LOCK:
                STATS["inFlight"] -= 1
                STATS["last"][operation] = time.time()

    def respond(self, operation, params, account, region):
        if operation == "AssumeRole":
            member = params["RoleArn"].split(":")[4]
            expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            return self.answer(200, f"""<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>AKIA{member}</AccessKeyId><SecretAccessKey>stand-in-secret</SecretAccessKey><SessionToken>stand-in-token</SessionToken>
<Expiration>{expires}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:{params.get("RoleSessionName", "")}</AssumedRoleId>
<Arn>{params["RoleArn"]}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>""", "text/xml")
        if operation == "GetCallerIdentity":
            return self.answer(200, f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:iam::{account}:user/bench</Arn><UserId>AIDA</UserId><Account>{account}</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>""", "text/xml")
        if operation == "DescribeInstances":
            launched = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - ARGS.launched_hours_ago * 3600))
            ids = [f"i-{int(account) % 10**9:09x}{abs(hash(region)) % 4096:03x}{n:05x}" for n in range(ARGS.instances)]
            if "InstanceId.1" in params:
                ids = [value for name, value in params.items() if name.startswith("InstanceId.")]
            items = "".join(f"""<item><instanceId>{i}</instanceId><imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState>
<privateIpAddress>10.0.0.1</privateIpAddress><instanceType>t3.micro</instanceType><launchTime>{launched}</launchTime>
<placement><availabilityZone>{region}a</availabilityZone><tenancy>default</tenancy></placement>
<tagSet><item><key>Name</key><value>bench-{i}</value></item></tagSet></item>""" for i in ids)
            return self.answer(200, f"""<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
<reservationSet><item><reservationId>r-1</reservationId><ownerId>{account}</ownerId><instancesSet>{items}</instancesSet></item></reservationSet>
</DescribeInstancesResponse>""", "text/xml")
        if operation == "SlackWebhook":
            return self.answer(200, "ok", "text/plain")
        if operation == "GetMetricData":
            return self.answer(200, """<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult>
<MetricDataResults/><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetMetricDataResponse>""", "text/xml")
        if operation == "Scan":
            return self.answer(200, json.dumps({"Items": [], "Count": 0, "ScannedCount": 0}), "application/x-amz-json-1.0")
        if operation == "BatchGetItem":
            return self.answer(200, json.dumps({"Responses": {name: [] for name in params.get("RequestItems", {})}, "UnprocessedKeys": {}}),
                               "application/x-amz-json-1.0")
        if operation == "UpdateItem":
            return self.answer(200, "{}", "application/x-amz-json-1.0")
        return self.answer(400, json.dumps({"__type": "UnknownOperationException", "message": operation}), "application/x-amz-json-1.0")


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--central", default="123456789012")
    parser.add_argument("--launched-hours-ago", type=float, default=1)
    ARGS = parser.parse_args()
    main()
