"""The IAM conditions the stop roles depend on, evaluated in front of moto.

moto enforces a role's actions but not its conditions, so a stop role whose one StopInstances
statement requires the opt-in tag would stop any instance there. The templates' stop statements
use one kind of condition, `Null` on `ec2:ResourceTag/<key>` ("the instance has, or has not, this
tag"); this middleware evaluates exactly that kind, as IAM does, for every StopInstances request
(dry runs included) signed with an assumed role's credentials: the role's statements come from
moto's IAM backend, the instance's tags from moto's EC2 backend. A request no statement allows is
answered as EC2 answers it (403, `UnauthorizedOperation`, EC2's error body). A StopInstances
statement with any other condition is refused loudly (500), so a test can never pass on a condition
nobody evaluated.
"""
import io
import json
import re
import urllib.parse
import uuid

from moto.ec2.models import ec2_backends
from moto.iam.access_control import AssumedRoleAccessKey
from moto.iam.models import get_account_id_from

CREDENTIAL = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/ec2/aws4_request")


def _listed(value):
    return value if isinstance(value, list) else [value]


def _allows_action(statement, action="ec2:StopInstances"):
    return statement.get("Effect") == "Allow" and any(
        pattern in ("*", "ec2:*") or pattern.lower() == action.lower() for pattern in _listed(statement.get("Action", [])))


def _conditions_hold(statement, tags):
    for operator, entries in (statement.get("Condition") or {}).items():
        if operator != "Null":
            raise ValueError(f"iam_conditions.py evaluates Null conditions only, not {operator}")
        for key, expected in entries.items():
            if not key.startswith("ec2:ResourceTag/"):
                raise ValueError(f"iam_conditions.py evaluates ec2:ResourceTag/ keys only, not {key}")
            absent = key[len("ec2:ResourceTag/"):] not in tags
            if absent != (str(expected).lower() == "true"):
                return False
    return True


def unauthorized_body():
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code>'
            f'<Message>You are not authorized to perform this operation.</Message></Error></Errors>'
            f'<RequestID>{uuid.uuid4()}</RequestID></Response>').encode()


class IAMConditionMiddleware:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        credential = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not token or not credential or b"Action=StopInstances" not in body:
            return self.app(environ, start_response)
        fields = urllib.parse.parse_qs(body.decode())
        ids = [values[0] for name, values in fields.items() if name.startswith("InstanceId.")]
        key_id, region = credential.group(1), credential.group(2)
        account = get_account_id_from(key_id)
        try:
            role = AssumedRoleAccessKey(account, "aws", key_id, {"X-Amz-Security-Token": token})
            statements = [statement for document in role.collect_policies()
                          for statement in _listed((json.loads(document) if isinstance(document, str) else document).get("Statement", []))]
            backend = ec2_backends[account][region]
            allowed = all(any(_allows_action(statement) and _conditions_hold(statement, {tag["key"]: tag["value"] for tag in backend.describe_tags(
                filters={"resource-id": [instance_id]})}) for statement in statements) for instance_id in ids)
        except ValueError as error:
            answer = str(error).encode()
            start_response("500 Internal Server Error", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
            return [answer]
        except Exception:
            return self.app(environ, start_response)  # not an assumed role moto knows: moto answers
        if allowed:
            return self.app(environ, start_response)
        answer = unauthorized_body()
        start_response("403 Forbidden", [("Content-Type", "text/xml;charset=UTF-8"), ("Content-Length", str(len(answer)))])
        return [answer]
