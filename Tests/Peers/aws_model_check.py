"""Holds every AWS request a test peer receives to the service's own published model: botocore's
service definitions (AWS's JSON models, installed with boto3), the same ones the AWS SDKs are
generated from. moto forgives what AWS refuses (unknown parameters, wrong list encodings, missing
required members); this check refuses them as AWS would, with a 400 that names the parameter.

For each signed request it finds the service from the SigV4 credential scope, then checks:
  - the protocol's headers: JSON protocols' `X-Amz-Target` (`<targetPrefix>.<Operation>`) and
    `Content-Type` (`application/x-amz-json-<jsonVersion>`); query protocols' `Action` and
    `Version` (the model's apiVersion) and form encoding;
  - that the operation exists in the model;
  - every parameter on the wire: query keys are read back into the input shape the way botocore
    writes them (EC2's `Filter.1.Name`, SNS's `Entries.member.1.Id`, maps as `entry.N.key`), so a
    key the shape has no place for is an unknown parameter; list indices start at 1, one by one;
  - the values: numbers, booleans and timestamps parse, enum values are among the model's; then
    `botocore.validate.ParamValidator` (required members, types, minimums, unknown JSON keys).

`ModelChecker` keeps counts (which operations were checked, how often, every refusal) and leaves
them in a JSON file for `scripts/model-check-report.py`, which `make test` runs after the tests;
`ModelCheckMiddleware` puts it in front of a WSGI application (moto's server).
"""
import json
import os
import re
import sys
import threading
from urllib.parse import parse_qsl

import botocore.session
from botocore.validate import ParamValidator

_SESSION = botocore.session.get_session()
# A SigV4 scope's service name -> the botocore service it signs for. Written out, not derived: several
# services share a signing name (`ses` is SES, SES v2 and Mail Manager), and only these are spoken here.
SERVICES_BY_SIGNING_NAME = {
    "dynamodb": "dynamodb", "ec2": "ec2", "sns": "sns", "ses": "ses", "email": "ses", "ssm": "ssm", "sts": "sts",
    "monitoring": "cloudwatch", "pricing": "pricing", "organizations": "organizations", "iam": "iam",
    "autoscaling": "autoscaling", "sqs": "sqs", "lambda": "lambda",
}
_MODELS = {}
_LOCK = threading.Lock()


def _service_for_signing_name(name):
    service = SERVICES_BY_SIGNING_NAME.get(name)
    if service is None:
        return None
    with _LOCK:
        if service not in _MODELS:
            _MODELS[service] = _SESSION.get_service_model(service)
        return _MODELS[service]


class Refusal(Exception):
    """What AWS would answer with a 400: the code and a message naming the parameter."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/[^/,]+/([^/,]+)/aws4_request")


def signing_service(headers):
    match = _SCOPE.search(headers.get("Authorization", ""))
    return match.group(1) if match else None


def check_request(headers, body):
    """The (service, operation) of a request that holds to its model; raises `Refusal` otherwise.
    Answers (None, None) for a request this check cannot place (unsigned, or a service botocore
    does not know): those pass untouched."""
    name = signing_service(headers)
    model = _service_for_signing_name(name) if name else None
    if model is None:
        return None, None
    protocol = model.metadata.get("protocol")
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if protocol == "json":
        operation, params = _read_json(model, headers, content_type, body)
    elif protocol in ("query", "ec2") or "query" in model.metadata.get("protocols", []) and content_type == "application/x-www-form-urlencoded":
        operation, params = _read_query(model, content_type, body, ec2=protocol == "ec2")
    else:
        return model.service_name, None  # rest protocols: not spoken by anything under test
    report = ParamValidator().validate(params, operation.input_shape) if operation.input_shape else None
    if report is not None and report.has_errors():
        raise Refusal("ValidationException", f"{operation.name}: {report.generate_report()}")
    return model.service_name, operation.name


def _read_json(model, headers, content_type, body):
    expected_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
    if content_type != expected_type:
        raise Refusal("UnknownOperationException", f"Content-Type {content_type or '(none)'}: {model.service_name} takes {expected_type}")
    target = headers.get("X-Amz-Target", "")
    prefix, _, operation_name = target.rpartition(".")
    if prefix != model.metadata.get("targetPrefix") or operation_name not in model.operation_names:
        raise Refusal("UnknownOperationException", f"X-Amz-Target {target or '(none)'} is not an operation of {model.metadata.get('targetPrefix')}")
    operation = model.operation_model(operation_name)
    try:
        params = json.loads(body or b"{}")
    except ValueError as error:
        raise Refusal("SerializationException", f"{operation_name}: the body is not JSON: {error}")
    if not isinstance(params, dict):
        raise Refusal("SerializationException", f"{operation_name}: the body is not a JSON object")
    if operation.input_shape is not None:
        _check_enums(params, operation.input_shape, "")
    return operation, params


def _read_query(model, content_type, body, ec2):
    if content_type != "application/x-www-form-urlencoded":
        raise Refusal("InvalidParameterValue", f"Content-Type {content_type or '(none)'}: the query protocol takes a form")
    pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    fields = {}
    for key, value in pairs:
        if key in fields:
            raise Refusal("InvalidParameterValue", f"the parameter {key} is given twice")
        fields[key] = value
    action = fields.pop("Action", None)
    version = fields.pop("Version", None)
    if action not in model.operation_names:
        raise Refusal("InvalidAction", f"Action {action or '(none)'} is not an operation of {model.service_name}")
    if version != model.api_version:
        raise Refusal("InvalidParameterValue", f"{action}: Version {version or '(none)'}; {model.service_name} is {model.api_version}")
    operation = model.operation_model(action)
    if operation.input_shape is None:
        params = {}
    else:
        reader = _QueryReader(fields, ec2)
        params = reader.structure(operation.input_shape, "")
    unknown = sorted(set(fields) - (reader.consumed if operation.input_shape is not None else set()))
    if unknown:
        code = "UnknownParameter" if ec2 else "InvalidParameterValue"
        raise Refusal(code, f"{action}: unknown parameter {unknown[0]}" + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""))
    if operation.input_shape is not None:
        _check_enums(params, operation.input_shape, "")
    return operation, params


class _QueryReader:
    """Reads form fields back into an input shape, the inverse of botocore's Query and EC2 serializers."""

    def __init__(self, fields, ec2):
        self.fields = fields
        self.ec2 = ec2
        self.consumed = set()

    def name(self, shape, default):
        if self.ec2:
            if "queryName" in shape.serialization:
                return shape.serialization["queryName"]
            if "name" in shape.serialization:
                name = shape.serialization["name"]
                return name[0].upper() + name[1:]
            return default
        return shape.serialization.get("name", default)

    def present(self, prefix):
        return any(key == prefix or key.startswith(prefix + ".") for key in self.fields)

    def value(self, shape, prefix):
        if shape.type_name == "structure":
            return self.structure(shape, prefix)
        if shape.type_name == "list":
            return self.list(shape, prefix)
        if shape.type_name == "map":
            return self.map(shape, prefix)
        return self.scalar(shape, prefix)

    def structure(self, shape, prefix):
        result = {}
        for member_name, member in shape.members.items():
            key = self.name(member, member_name)
            member_prefix = f"{prefix}.{key}" if prefix else key
            if self.present(member_prefix):
                result[member_name] = self.value(member, member_prefix)
        return result

    def indices(self, prefix):
        numbers = set()
        for key in self.fields:
            if key.startswith(prefix + "."):
                head = key[len(prefix) + 1:].split(".", 1)[0]
                if head.isdigit():
                    numbers.add(int(head))
        ordered = sorted(numbers)
        if ordered != list(range(1, len(ordered) + 1)):
            raise Refusal("InvalidParameterValue", f"{prefix}: list indices {ordered}; they start at 1, one by one")
        return ordered

    def list(self, shape, prefix):
        if self.ec2 or shape.serialization.get("flattened"):
            list_prefix = prefix
            if not self.ec2 and shape.member.serialization.get("name"):
                list_prefix = ".".join(prefix.split(".")[:-1] + [shape.member.serialization["name"]])
        else:
            list_prefix = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        if not self.ec2 and self.fields.get(prefix) == "":
            self.consumed.add(prefix)  # botocore writes an empty list as `Name=`
            return []
        return [self.value(shape.member, f"{list_prefix}.{index}") for index in self.indices(list_prefix)]

    def map(self, shape, prefix):
        entries = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        result = {}
        for index in self.indices(entries):
            key = self.scalar(shape.key, f"{entries}.{index}.{key_name}")
            result[key] = self.value(shape.value, f"{entries}.{index}.{value_name}")
        return result

    def scalar(self, shape, key):
        if key not in self.fields:
            raise Refusal("InvalidParameterValue", f"{key}: {shape.type_name} expected, and there is no such parameter")
        self.consumed.add(key)
        text = self.fields[key]
        try:
            if shape.type_name in ("integer", "long"):
                return int(text)
            if shape.type_name in ("float", "double"):
                return float(text)
            if shape.type_name == "boolean":
                if text not in ("true", "false"):
                    raise ValueError(text)
                return text == "true"
        except ValueError:
            raise Refusal("InvalidParameterValue", f"{key}: {text!r} is not a {shape.type_name}")
        return text


def _check_enums(value, shape, path):
    """ParamValidator leaves enums to the service; AWS refuses a value outside them."""
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                _check_enums(value[name], member, f"{path}.{name}" if path else name)
    elif shape.type_name == "list" and isinstance(value, list):
        for index, element in enumerate(value):
            _check_enums(element, shape.member, f"{path}[{index}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, element in value.items():
            _check_enums(element, shape.value, f"{path}.{key}")
    elif shape.type_name == "string" and shape.enum and isinstance(value, str) and value not in shape.enum:
        raise Refusal("ValidationException", f"{path}: {value!r} is not one of {', '.join(shape.enum)}")


class ModelChecker:
    """The check with its counts: which operations the product's requests used, how often, and every
    refusal. Requests whose User-Agent is boto3's (the fixtures') are checked too, but counted apart."""

    def __init__(self, log=sys.stderr):
        self.log = log
        self.lock = threading.Lock()
        self.checked = {}      # "service:Operation" -> count, the product's requests
        self.fixture_requests = 0
        self.refusals = []     # {"message", "userAgent"}

    def check(self, headers, body, user_agent):
        """None when the request holds to its model; the `Refusal` to answer otherwise."""
        from_fixture = user_agent.startswith(("Boto3/", "Botocore/"))
        try:
            service, operation = check_request(headers, body)
        except Refusal as refusal:
            with self.lock:
                self.refusals.append({"message": refusal.message, "userAgent": user_agent[:60]})
            print(f"model check refused: {refusal.message}", file=self.log, flush=True)
            return refusal
        if operation is not None:
            with self.lock:
                if from_fixture:
                    self.fixture_requests += 1
                else:
                    key = f"{service}:{operation}"
                    self.checked[key] = self.checked.get(key, 0) + 1
        return None

    def summary(self):
        with self.lock:
            return {"checked": dict(self.checked), "fixtureRequests": self.fixture_requests, "refusals": list(self.refusals)}

    def write_report(self, name):
        """Leaves the counts where `make test` reads them (INSTANCE_WATCH_MODEL_REPORTS, a folder)."""
        folder = os.environ.get("INSTANCE_WATCH_MODEL_REPORTS")
        if not folder:
            return
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{name}-{os.getpid()}.json")
        with open(path + ".tmp", "w") as file:
            json.dump(self.summary(), file)
        os.replace(path + ".tmp", path)

    @staticmethod
    def announce_start(name):
        """A mark that this peer will write a report, so that the report waits for it."""
        folder = os.environ.get("INSTANCE_WATCH_MODEL_REPORTS")
        if folder:
            os.makedirs(folder, exist_ok=True)
            open(os.path.join(folder, f"{name}-{os.getpid()}.started"), "w").close()


def error_body(refusal, json_protocol):
    """The refusal as the protocol answers errors: a JSON `__type`, or the query protocols' XML."""
    if json_protocol:
        return "application/x-amz-json-1.1", json.dumps({"__type": refusal.code, "message": refusal.message}).encode()
    from xml.sax.saxutils import escape
    return "text/xml", (f"<ErrorResponse><Error><Type>Sender</Type><Code>{refusal.code}</Code>"
                        f"<Message>{escape(refusal.message)}</Message></Error><RequestId>model-check</RequestId></ErrorResponse>").encode()


class ModelCheckMiddleware:
    """A WSGI application (moto's server) behind the check: a refused request never reaches it."""

    def __init__(self, app, checker):
        self.app = app
        self.checker = checker

    def __call__(self, environ, start_response):
        import io
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", ""), "Content-Type": environ.get("CONTENT_TYPE", ""),
                   "X-Amz-Target": environ.get("HTTP_X_AMZ_TARGET", "")}
        refusal = self.checker.check(headers, body, environ.get("HTTP_USER_AGENT", ""))
        if refusal is None:
            return self.app(environ, start_response)
        content_type, answer = error_body(refusal, bool(headers["X-Amz-Target"]))
        start_response("400 Bad Request", [("Content-Type", content_type), ("Content-Length", str(len(answer)))])
        return [answer]
