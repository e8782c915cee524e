#!/usr/bin/env python3
"""moto's server on a free loopback port, with SigV4 checking on, for the AWS client tests.

Every request is first held to AWS's own API model (aws_model_check.py): one moto would forgive
but AWS would refuse is answered 400, naming the parameter.

Starts moto with INITIAL_NO_AUTH_ACTION_COUNT=3: exactly the three IAM calls that make a test user,
give it a policy and create its access key go unchecked; every later call must be signed with that
key. Prints "PORT <n>", "ACCESS_KEY_ID <id>" and "SECRET_ACCESS_KEY <secret>".

Then reads fixture commands, one JSON object a line on stdin, runs them with boto3 (signed with the
test user's key, so they pass the same checks) and answers one JSON line on stdout. Every command
takes an optional "region" (default eu-west-1): moto keeps regions apart, so a test that must see
every running instance of its region takes a region of its own.
  {"op": "create_table", "name": ..., "key": "instance_id"[, "sort": "stopped_at"]}
  {"op": "put_items", "table": ..., "items": [...], "padding": n}   plain JSON items, S values only
  {"op": "scan_all", "table": ...}                                   every item, as plain JSON
  {"op": "create_topic", "name": ...}                                -> {"arn": ...}
  {"op": "sns_messages", "topic": arn}                              messages moto has "sent" (to that topic)
  {"op": "run_instances", "count": n, "tags": {...}, "spot": bool, "type": ...}  -> {"ids": [...], "launch_times": [...]}
                                                        a Spot launch is an error where moto's data does not offer
                                                        the type in the instance's zone (it would have no price)
  {"op": "stop_instances" | "terminate_instances", "ids": [...]}
  {"op": "terminate_running"}                        every running instance of the region, terminated
                                                        (a suite that shares one region starts each test clean)
     these three take an optional "account": the instances then live in that (member) account, made
     with credentials of a fixture role assumed there (moto acts in the account a role ARN names)
  {"op": "auto_scaling_group", "name": ..., "size": n}   a group of n instances, which moto launches tagged
                                                        aws:autoscaling:groupName -> {"ids": [...]}
  {"op": "delete_auto_scaling_group", "name": ...}      the group and its instances, gone
  {"op": "instance_metrics", "id": ..., "hours": n, "cpu": p, "network_bytes_per_hour": b}
                                                        AWS/EC2 figures for the past n hours, one datapoint an hour:
                                                        CPUUtilization p, NetworkIn and NetworkOut b/2 each (optional "account")
  {"op": "regions_offering", "types": [...], "candidates": [...]}   -> {"regions": [...]} the candidates where
                                                        moto's EC2 data offers every type in every zone
  {"op": "model_checks"}                                what the API model check has seen (aws_model_check.py):
                                                        -> {"checked": {"service:Operation": n}, "refusals": [...]}
  {"op": "instance_states", "ids": [...]}              -> {"states": {id: state}} as EC2 reports them
  {"op": "time_describe_instances", "count": n}          how long moto takes to answer DescribeInstances
                                                        -> {"median_ms": ...} (the benchmark reports moto's pace)
  {"op": "member_role", "account": ..., "name": ..., "actions": [...]}   a role in a member account
                                                        allowed exactly these actions (made in moto's
                                                        IAM backend directly: there is nobody to sign as yet);
                                                        or "statements": [...] instead, a template's own, whose
                                                        StopInstances tag conditions iam_conditions.py evaluates
  {"op": "organization_unit", "name": ..., "parent": ou id or null}   an OU of the organisation (made on first
                                                        use, by the test user's account) under that OU or the root -> {"id"}
  {"op": "organization_account", "name": ..., "parent": ou id or null}  an account made by Organizations and moved
                                                        there -> {"id"}
  {"op": "put_parameter", "name": ..., "value": ..., "type": "SecureString"}
  {"op": "subscribe_queue", "topic": ..., "name": ..., "filter": {...}}   an SQS queue subscribed to the topic with
                                                        that filter policy (on message attributes) -> {"queue_url"}
  {"op": "queue_messages", "queue_url": ...}            every SNS notification the queue holds, received and deleted:
                                                        -> {"messages": [{"subject", "message", "attributes"}]}
  {"op": "put_typed_items", "table": ..., "items": [{"attr": {"S"|"N": ...}}]}   items in DynamoDB's JSON
  {"op": "ses_verify", "address": ...}                  a verified SES identity
  {"op": "ses_messages"}                                every e-mail moto's SES sent: -> {"messages": [{"source", "to", "subject", "body"} or {"source", "to", "raw"}]}
  {"op": "assume_role", "name": ..., "actions": [...]}   a role allowed exactly these actions, assumed:
                                                        -> {"access_key_id", "secret_access_key", "session_token"}
     moto enforces a role's actions, not its resources (it matches every request against Resource "*"),
     so the role's policy names the actions on "*".
Exits when stdin closes.
"""
import json
import os
import socket
import sys

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.sns.models import sns_backends  # noqa: E402
from moto.ses.models import ses_backends  # noqa: E402
from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from aws_model_check import ModelChecker, ModelCheckMiddleware  # noqa: E402
from iam_conditions import IAMConditionMiddleware  # noqa: E402

REGION = "eu-west-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The command protocol owns stdout; anything else that prints (moto reporting a request it cannot
# serve, say) goes to stderr instead of shifting the answers.
ANSWERS = os.fdopen(os.dup(1), "w")
sys.stdout = sys.stderr


def answer(line):
    ANSWERS.write(line + "\n")
    ANSWERS.flush()


class ModelCheckedMotoServer(ThreadedMotoServer):
    """moto's server with AWS's own API models in front (aws_model_check.py): a request that AWS
    would refuse as malformed is refused here too, with the parameter named. The stop roles' tag
    conditions are evaluated too (iam_conditions.py), which moto leaves to IAM."""

    def __init__(self, checker, **kwargs):
        super().__init__(**kwargs)
        self.checker = checker

    def _server_entry(self):
        # The model check first; then the stop roles' IAM conditions, which moto leaves unevaluated.
        app = ModelCheckMiddleware(IAMConditionMiddleware(DomainDispatcherApplication(create_backend_app)), self.checker)
        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


def zones_offering(region, instance_type):
    """The zones of `region` where moto's EC2 data offers `instance_type` (moto answers no Spot price
    and no offering for a type outside them)."""
    return sorted({o["Location"] for o in INSTANCE_TYPE_OFFERINGS["availability-zone"].get(region, [])
                   if o["InstanceType"] == instance_type})


def all_zones(region):
    return sorted({o["Location"] for o in INSTANCE_TYPE_OFFERINGS["availability-zone"].get(region, [])})


def main():
    port = free_port()
    checker = ModelChecker()
    ModelChecker.announce_start("moto")
    server = ModelCheckedMotoServer(checker, ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
    iam.create_user(UserName="instance-watch-test")
    iam.put_user_policy(UserName="instance-watch-test", PolicyName="test-everything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="instance-watch-test")["AccessKey"]
    answer(f"PORT {port}")
    answer(f"ACCESS_KEY_ID {key['AccessKeyId']}")
    answer(f"SECRET_ACCESS_KEY {key['SecretAccessKey']}")

    regions = {}
    member_keys = {}

    def clients_for(region, account=None):
        if (region, account) not in regions:
            credentials = dict(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
            if account is not None:
                credentials = member_keys.get(account) or member_credentials(account)
                member_keys[account] = credentials
            session = dict(endpoint_url=url, region_name=region, **credentials)
            clients = {name: boto3.client(name, **session) for name in ("dynamodb", "sns", "ec2", "ssm", "iam", "sts", "autoscaling", "cloudwatch", "sqs", "ses", "organizations")}
            clients["dynamodb-resource"] = boto3.resource("dynamodb", **session)
            regions[(region, account)] = clients
        return regions[(region, account)]

    def member_credentials(account):
        """Credentials acting in a member account: a fixture role allowed everything there, assumed."""
        put_member_role(account, "instance-watch-fixture-admin", ["*"])
        sts = clients_for(REGION)["sts"]
        assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/instance-watch-fixture-admin",
                                 RoleSessionName="fixture")["Credentials"]
        return dict(aws_access_key_id=assumed["AccessKeyId"], aws_secret_access_key=assumed["SecretAccessKey"],
                    aws_session_token=assumed["SessionToken"])

    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            if command["op"] == "member_role":
                put_member_role(command["account"], command["name"], command.get("actions", []), command.get("statements"))
                reply = {"arn": f"arn:aws:iam::{command['account']}:role/{command['name']}"}
            elif command["op"] == "regions_offering":
                # Regions (of the candidates, in their order) where every zone offers every type.
                reply = {"regions": [region for region in command["candidates"] if all_zones(region) and all(
                    zones_offering(region, t) == all_zones(region) for t in command["types"])]}
            elif command["op"] == "model_checks":
                reply = checker.summary()
            else:
                reply = run(command, clients_for(command.get("region", REGION), command.get("account")), url)
        except Exception as error:  # the test sees the failure as a JSON answer
            reply = {"error": f"{type(error).__name__}: {error}"}
        answer(json.dumps(reply))
    checker.write_report("moto")
    server.stop()


def put_member_role(account, name, actions, statements=None):
    """A role in another account, allowed exactly `actions` (replacing what it had), or given exactly
    `statements` (a template's, conditions and all: iam_conditions.py evaluates the stop roles' tag
    conditions). Its trust policy names the central test user; moto does not check trust across
    accounts, the member template does."""
    backend = iam_backends[account]["aws"]
    try:
        backend.get_role(name)
    except Exception:
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 # moto checks trust within one account (a role beside the test user), and does not
                 # read the account's root as the users in it: the test user is named too.
                 "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/instance-watch-test"]}}]}
        backend.create_role(role_name=name, assume_role_policy_document=json.dumps(trust), path="/",
                            permissions_boundary=None, description="instance-watch test", tags=[], max_session_duration="3600")
    # moto matches every request against Resource "*": a template statement's ARN pattern would
    # never match, so resources are "*" here (iam_conditions.py checks the conditions).
    statements = [dict(statement, Resource="*") for statement in statements] if statements else [{"Effect": "Allow", "Action": actions, "Resource": "*"}]
    backend.put_role_policy(name, "exactly-these", json.dumps({"Version": "2012-10-17", "Statement": statements}))


def run(command, clients, url):
    op = command["op"]
    if op == "create_table":
        # A sort key too for the savings ledger (instance_id, stopped_at), as the template makes it.
        keys = [(command["key"], "HASH")] + ([(command["sort"], "RANGE")] if command.get("sort") else [])
        clients["dynamodb"].create_table(
            TableName=command["name"], BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": name, "KeyType": kind} for name, kind in keys],
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name, _ in keys])
        return {}
    if op == "put_items":
        table = clients["dynamodb-resource"].Table(command["table"])
        padding = "p" * command.get("padding", 0)
        with table.batch_writer() as batch:
            for item in command["items"]:
                if padding:
                    item = dict(item, padding=padding)
                batch.put_item(Item=item)
        return {"count": len(command["items"])}
    if op == "put_typed_items":
        # Items in DynamoDB's own JSON ({"S": …}, {"N": …}), as the product writes them: numbers stay numbers.
        for item in command["items"]:
            clients["dynamodb"].put_item(TableName=command["table"], Item=item)
        return {"count": len(command["items"])}
    if op == "scan_all":
        items, kwargs = [], {"TableName": command["table"]}
        while True:
            page = clients["dynamodb"].scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return {"items": items}
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    if op == "create_topic":
        attributes = {"FifoTopic": "true"} if command["name"].endswith(".fifo") else {}
        return {"arn": clients["sns"].create_topic(Name=command["name"], Attributes=attributes)["TopicArn"]}
    if op == "sns_messages":
        # Read from moto's backend in this process: /moto-api/data.json would serialise every
        # table and instance of every test, which grows slow as the test run goes on.
        messages = []
        for account_backends in sns_backends.values():
            for backend in account_backends.values():
                for arn, topic in backend.topics.items():
                    if command.get("topic") not in (None, arn):
                        continue
                    for message in topic.sent_notifications:
                        messages.append({"topic": arn, "id": message[0], "message": message[1],
                                         "subject": message[2], "attributes": message[3]})
        return {"messages": messages}
    if op == "run_instances":
        kwargs = dict(ImageId="ami-12c6146b", MinCount=command["count"], MaxCount=command["count"],
                      InstanceType=command.get("type", "t3.micro"))
        if command.get("tags"):
            kwargs["TagSpecifications"] = [{"ResourceType": "instance", "Tags": [
                {"Key": k, "Value": v} for k, v in command["tags"].items()]}]
        if command.get("spot"):
            kwargs["InstanceMarketOptions"] = {"MarketType": "spot"}
        reservation = clients["ec2"].run_instances(**kwargs)
        zone = reservation["Instances"][0]["Placement"]["AvailabilityZone"]
        if command.get("spot") and zone not in zones_offering(command.get("region", REGION), kwargs["InstanceType"]):
            # moto launches it all the same, but answers no Spot price for it: a test built on one
            # would fail later on a figure, far from the cause.
            raise ValueError(f"moto's EC2 data has no {kwargs['InstanceType']} offering in {zone}, so no Spot price: "
                             f"launch it in a region whose zones offer it (MotoServer.privateRegion(offering:))")
        return {"ids": [i["InstanceId"] for i in reservation["Instances"]],
                "launch_times": [i["LaunchTime"].strftime("%Y-%m-%dT%H:%M:%SZ") for i in reservation["Instances"]]}
    if op == "auto_scaling_group":
        ec2 = clients["ec2"]
        template = ec2.create_launch_template(LaunchTemplateName=command["name"], LaunchTemplateData={
            "ImageId": "ami-12c6146b", "InstanceType": "t3.micro",
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [
                {"Key": k, "Value": v} for k, v in command.get("tags", {}).items()]}] if command.get("tags") else []})
        zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
        clients["autoscaling"].create_auto_scaling_group(
            AutoScalingGroupName=command["name"], MinSize=command["size"], MaxSize=command["size"],
            DesiredCapacity=command["size"], AvailabilityZones=[zone],
            Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in command.get("tags", {}).items()],
            LaunchTemplate={"LaunchTemplateId": template["LaunchTemplate"]["LaunchTemplateId"], "Version": "$Latest"})
        group = clients["autoscaling"].describe_auto_scaling_groups(AutoScalingGroupNames=[command["name"]])["AutoScalingGroups"][0]
        return {"ids": [i["InstanceId"] for i in group["Instances"]]}
    if op == "delete_auto_scaling_group":
        clients["autoscaling"].delete_auto_scaling_group(AutoScalingGroupName=command["name"], ForceDelete=True)
        return {}
    if op == "instance_metrics":
        import datetime
        now = datetime.datetime.now(datetime.timezone.utc)
        dimensions = [{"Name": "InstanceId", "Value": command["id"]}]
        half = command.get("network_bytes_per_hour", 0) / 2
        data = []
        for hour in range(command["hours"]):
            at = now - datetime.timedelta(hours=hour, minutes=10)
            data += [{"MetricName": "CPUUtilization", "Dimensions": dimensions, "Timestamp": at, "Value": command["cpu"], "Unit": "Percent"},
                     {"MetricName": "NetworkIn", "Dimensions": dimensions, "Timestamp": at, "Value": half, "Unit": "Bytes"},
                     {"MetricName": "NetworkOut", "Dimensions": dimensions, "Timestamp": at, "Value": half, "Unit": "Bytes"}]
        # In calls of 20: botocore gzips a request over 10 KB, and moto's server cannot read it then.
        for start in range(0, len(data), 20):
            clients["cloudwatch"].put_metric_data(Namespace="AWS/EC2", MetricData=data[start:start + 20])
        return {"datapoints": len(data)}
    if op == "time_describe_instances":
        import statistics
        import time
        durations = []
        for _ in range(command.get("count", 20)):
            began = time.perf_counter()
            clients["ec2"].describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])
            durations.append((time.perf_counter() - began) * 1000)
        return {"median_ms": statistics.median(durations)}
    if op == "instance_states":
        reservations = clients["ec2"].describe_instances(InstanceIds=command["ids"])["Reservations"]
        return {"states": {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}}
    if op == "terminate_running":
        reservations = clients["ec2"].describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}])["Reservations"]
        ids = [i["InstanceId"] for r in reservations for i in r["Instances"]]
        if ids:
            clients["ec2"].terminate_instances(InstanceIds=ids)
        return {"terminated": ids}
    if op == "stop_instances":
        clients["ec2"].stop_instances(InstanceIds=command["ids"])
        return {}
    if op == "terminate_instances":
        clients["ec2"].terminate_instances(InstanceIds=command["ids"])
        return {}
    if op == "subscribe_queue":
        queue_url = clients["sqs"].create_queue(QueueName=command["name"])["QueueUrl"]
        queue_arn = clients["sqs"].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        clients["sns"].subscribe(TopicArn=command["topic"], Protocol="sqs", Endpoint=queue_arn,
                                 Attributes={"FilterPolicy": json.dumps(command["filter"])})
        return {"queue_url": queue_url}
    if op == "queue_messages":
        messages = []
        while True:
            batch = clients["sqs"].receive_message(QueueUrl=command["queue_url"], MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return {"messages": messages}
            for message in batch:
                notification = json.loads(message["Body"])
                messages.append({"subject": notification.get("Subject"), "message": notification.get("Message"),
                                 "attributes": {name: value.get("Value") for name, value in notification.get("MessageAttributes", {}).items()}})
                clients["sqs"].delete_message(QueueUrl=command["queue_url"], ReceiptHandle=message["ReceiptHandle"])
    if op == "ses_verify":
        clients["ses"].verify_email_identity(EmailAddress=command["address"])
        return {}
    if op == "ses_messages":
        messages = []
        for account_backends in ses_backends.values():
            for backend in account_backends.values():
                for message in backend.sent_messages:
                    if hasattr(message, "body"):
                        messages.append({"source": message.source, "to": message.destinations.get("ToAddresses", []),
                                         "subject": message.subject, "body": message.body})
                    elif hasattr(message, "raw_data"):
                        # SendRawEmail: the MIME message as sent, for the test to parse.
                        messages.append({"source": message.source, "to": list(message.destinations), "raw": message.raw_data})
        return {"messages": messages}
    if op in ("organization_unit", "organization_account"):
        organizations = clients["organizations"]
        try:
            organizations.describe_organization()
        except organizations.exceptions.AWSOrganizationsNotInUseException:
            organizations.create_organization(FeatureSet="ALL")
        root = organizations.list_roots()["Roots"][0]["Id"]
        parent = command.get("parent") or root
        if op == "organization_unit":
            return {"id": organizations.create_organizational_unit(ParentId=parent, Name=command["name"])["OrganizationalUnit"]["Id"]}
        status = organizations.create_account(Email=f"{command['name']}@example.com", AccountName=command["name"])["CreateAccountStatus"]
        account = status.get("AccountId") or organizations.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        if parent != root:
            organizations.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
        return {"id": account}
    if op == "put_parameter":
        clients["ssm"].put_parameter(Name=command["name"], Value=command["value"],
                                     Type=command.get("type", "SecureString"), Overwrite=True)
        return {}
    if op == "assume_role":
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/instance-watch-test"}, "Action": "sts:AssumeRole"}]}
        role = clients["iam"].create_role(RoleName=command["name"], AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        clients["iam"].put_role_policy(RoleName=command["name"], PolicyName="exactly-these", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": command["actions"], "Resource": "*"}]}))
        credentials = clients["sts"].assume_role(RoleArn=role["Arn"], RoleSessionName="instance-watch-test")["Credentials"]
        return {"access_key_id": credentials["AccessKeyId"], "secret_access_key": credentials["SecretAccessKey"],
                "session_token": credentials["SessionToken"]}
    raise ValueError(f"unknown op {op}")


if __name__ == "__main__":
    main()
