#!/usr/bin/env python3
"""A local AWS Price List Query API for the tests and the demo (moto has none): GetProducts over
JSON 1.1 (X-Amz-Target: AWSPriceListService.GetProducts), answering price documents in the API's
own shape, each a JSON string inside "PriceList", paged with NextToken.

Every request must be signed with SigV4 for the service "pricing" in us-east-1 by a key it has been
given; the signature is checked by an implementation written here (not the one under test).

  POST /test/keys     {"ACCESS_KEY_ID": "secret", ...}   keys whose signatures are accepted
  POST /test/prices   [{"instanceType": "m5.large", "regionCode": "eu-west-1", "usd": "0.0960000000"}, ...]
                      on-demand Linux prices; each also gets Windows and dedicated-tenancy neighbours,
                      so that a request without the right filters gets the wrong price
  GET  /test/requests every GetProducts received: {"filters": {...}, "nextToken": ...}
Prints "PORT <n>"; exits when stdin closes.
"""
import hashlib
import hmac
import json
import threading
import uuid

from aws_model_check import ModelChecker, error_body
from loopback import LoopbackServer, PeerHandler, serve

LOCK = threading.Lock()
KEYS = {}
PRODUCTS = []   # (attributes, usd)
REQUESTS = []
MODEL = ModelChecker()   # every GetProducts held to the Price List API's own model as well
PAGE_SIZE_CAP = 100


def product_document(attributes, usd):
    """One price document as the Price List API returns it (format aws_v1)."""
    sku = hashlib.sha1(json.dumps(attributes, sort_keys=True).encode()).hexdigest()[:16].upper()
    term = f"{sku}.JRTCKXETXF"
    return json.dumps({
        "product": {"productFamily": "Compute Instance", "attributes": attributes, "sku": sku},
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": {term: {
                "priceDimensions": {f"{term}.6YS6EN2CT7": {
                    "unit": "Hrs", "endRange": "Inf", "beginRange": "0", "appliesTo": [], "rateCode": f"{term}.6YS6EN2CT7",
                    "description": f"${float(usd):.3f} per On Demand {attributes['operatingSystem']} {attributes['instanceType']} Instance Hour",
                    "pricePerUnit": {"USD": usd}}},
                "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": "JRTCKXETXF", "termAttributes": {}}},
            "Reserved": {f"{sku}.4NA7Y494T4": {
                "priceDimensions": {f"{sku}.4NA7Y494T4.6YS6EN2CT7": {
                    "unit": "Hrs", "pricePerUnit": {"USD": f"{float(usd) * 0.6:.10f}"}, "description": "reserved"}},
                "sku": sku, "offerTermCode": "4NA7Y494T4", "termAttributes": {"LeaseContractLength": "1yr"}}},
        },
        "version": "20261101000000", "publicationDate": "2026-11-01T00:00:00Z",
    })


def add_prices(entries):
    for entry in entries:
        base = {"instanceType": entry["instanceType"], "regionCode": entry["regionCode"], "operatingSystem": "Linux",
                "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required",
                "operation": "RunInstances", "usagetype": f"BoxUsage:{entry['instanceType']}", "location": entry["regionCode"]}
        usd = entry["usd"]
        PRODUCTS.append((base, usd))
        PRODUCTS.append((dict(base, operatingSystem="Windows", operation="RunInstances:0002"), f"{float(usd) * 2:.10f}"))
        PRODUCTS.append((dict(base, tenancy="Dedicated"), f"{float(usd) * 1.1:.10f}"))
        PRODUCTS.append((dict(base, capacitystatus="UnusedCapacityReservation"), f"{float(usd):.10f}"))


def signature_problem(method, path, headers, body):
    """None when the request is signed by a known key for pricing/us-east-1, else why not."""
    authorization = headers.get("Authorization", "")
    if not authorization.startswith("AWS4-HMAC-SHA256 "):
        return "MissingAuthenticationToken", "Request is missing Authentication Token"
    parts = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
    key_id, date, region, service, terminator = parts["Credential"].split("/")
    if key_id not in KEYS:
        return "UnrecognizedClientException", "The security token included in the request is invalid."
    if (region, service, terminator) != ("us-east-1", "pricing", "aws4_request"):
        return "InvalidSignatureException", f"Credential should be scoped to a valid region and service: {region}/{service}"
    amz_date = headers.get("X-Amz-Date", "")
    signed = parts["SignedHeaders"].split(";")
    lowered = {}
    for name, value in headers.items():
        lowered.setdefault(name.lower(), []).append(" ".join(value.strip().split()))
    canonical_headers = "".join(f"{name}:{','.join(lowered.get(name, []))}\n" for name in signed)
    canonical = "\n".join([method, path.split("?")[0] or "/", "", canonical_headers, ";".join(signed), hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + KEYS[key_id]).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), parts["Signature"]):
        return "InvalidSignatureException", "The request signature we calculated does not match the signature you provided."
    if "host" not in signed or "x-amz-date" not in signed:
        return "InvalidSignatureException", "Host and X-Amz-Date must be signed"
    return None


class Handler(PeerHandler):
    def reply(self, status, document):
        self.answer(status, json.dumps(document), {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())})

    def error(self, status, code, message):
        self.reply(status, {"__type": code, "Message": message})

    def do_GET(self):
        if self.path == "/test/requests":
            with LOCK:
                return self.reply(200, REQUESTS)
        return self.error(404, "UnknownOperationException", self.path)

    def do_POST(self):
        body = self.read_body()
        if self.path == "/test/keys":
            with LOCK:
                KEYS.update(json.loads(body))
            return self.reply(200, {})
        if self.path == "/test/prices":
            with LOCK:
                add_prices(json.loads(body))
            return self.reply(200, {})
        if self.headers.get("X-Amz-Target") != "AWSPriceListService.GetProducts":
            return self.error(400, "UnknownOperationException", f"unknown target {self.headers.get('X-Amz-Target')}")
        if not self.headers.get("Content-Type", "").startswith("application/x-amz-json-1.1"):
            return self.error(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1")
        with LOCK:
            problem = signature_problem(self.command, self.path, self.headers, body)
        if problem:
            return self.error(403, *problem)
        refusal = MODEL.check({"Authorization": self.headers.get("Authorization", ""), "Content-Type": self.headers.get("Content-Type", ""),
                               "X-Amz-Target": self.headers.get("X-Amz-Target", "")}, body, self.headers.get("User-Agent", ""))
        if refusal is not None:
            content_type, answer = error_body(refusal, json_protocol=True)
            return self.answer(400, answer, {"Content-Type": content_type})
        try:
            request = json.loads(body)
        except ValueError:
            return self.error(400, "SerializationException", "the body is not JSON")
        if request.get("ServiceCode") != "AmazonEC2":
            return self.error(400, "InvalidParameterException", f"unknown ServiceCode {request.get('ServiceCode')}")
        if request.get("FormatVersion", "aws_v1") != "aws_v1":
            return self.error(400, "InvalidParameterException", "FormatVersion must be aws_v1")
        filters = {}
        for item in request.get("Filters", []):
            if item.get("Type") != "TERM_MATCH" or "Field" not in item or "Value" not in item:
                return self.error(400, "InvalidParameterException", f"bad filter {item}")
            filters[item["Field"]] = item["Value"]
        with LOCK:
            REQUESTS.append({"filters": filters, "nextToken": request.get("NextToken")})
            matches = [product_document(attributes, usd) for attributes, usd in PRODUCTS
                       if all(attributes.get(field, "").lower() == value.lower() for field, value in filters.items())]
        size = min(int(request.get("MaxResults", PAGE_SIZE_CAP)), PAGE_SIZE_CAP)
        start = int(request.get("NextToken") or 0)
        page = matches[start:start + size]
        answer = {"FormatVersion": "aws_v1", "PriceList": page}
        if start + size < len(matches):
            answer["NextToken"] = str(start + size)
        self.reply(200, answer)


if __name__ == "__main__":
    ModelChecker.announce_start("pricing")
    try:
        serve(LoopbackServer(Handler), on_close=lambda: MODEL.write_report("pricing"))
    finally:
        MODEL.write_report("pricing")
