"""A minimal Lambda Runtime API loop for the Python reference handlers, standing in for the one
Lambda's Python runtime provides (awslambdaric): import the handler module, then next → handler →
response or error, over one keep-alive connection, as the real one does."""
import http.client
import importlib
import json
import os
import sys
import traceback

PREFIX = "/2018-06-01/runtime"


def main():
    module = importlib.import_module(sys.argv[1])  # e.g. state_change (boto3 clients made at import)
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    connection = http.client.HTTPConnection(host, int(port))
    while True:
        connection.request("GET", f"{PREFIX}/invocation/next")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(f"next answered {response.status}")
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        try:
            result = module.handler(json.loads(body), None)
            connection.request("POST", f"{PREFIX}/invocation/{request_id}/response", json.dumps(result))
        except Exception as error:  # reported as the runtime reports it
            traceback.print_exc()
            report = {"errorType": type(error).__name__, "errorMessage": str(error)}
            connection.request("POST", f"{PREFIX}/invocation/{request_id}/error", json.dumps(report),
                               {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
        connection.getresponse().read()


if __name__ == "__main__":
    main()
