import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

let endpoint = RuntimeAPIEndpoint(hostAndPort: "127.0.0.1:9001")!

@Suite("Runtime API endpoint")
struct RuntimeAPIEndpointTests {
    @Test("AWS_LAMBDA_RUNTIME_API is host:port; the base carries the API version")
    func base() {
        #expect(endpoint.base == "http://127.0.0.1:9001/2018-06-01")
        #expect(RuntimeAPIEndpoint(hostAndPort: "") == nil)
        #expect(RuntimeAPIEndpoint(hostAndPort: "127.0.0.1:9001/extra") == nil)
    }

    @Test("a request id cannot change the path")
    func requestIdIsEncoded() {
        #expect(endpoint.invocationURL("../init/error", "response").absoluteString
            == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/..%2Finit%2Ferror/response")
    }
}

@Suite("next invocation request")
struct NextInvocationRequestTests {
    @Test("GET /runtime/invocation/next with no timeout")
    func request() {
        let request = NextInvocationRequest().httpRequest(endpoint)
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next")
        #expect(request.timeout == .unlimited)
    }

    @Test("an invocation carries the event and every context header")
    func parsesInvocation() throws {
        let response = HTTPResponse(status: 200, headers: [
            "Lambda-Runtime-Aws-Request-Id": "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
            "Lambda-Runtime-Deadline-Ms": "1542409706888",
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime",
            "Lambda-Runtime-Trace-Id": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
        ], body: Data(#"{"a":1}"#.utf8))
        let invocation = try Invocation(response: response)
        #expect(invocation.requestId == "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        #expect(invocation.deadlineEpochMilliseconds == 1_542_409_706_888)
        #expect(invocation.invokedFunctionArn.hasSuffix("function:custom-runtime"))
        #expect(invocation.traceId?.hasPrefix("Root=1-5bef4de7") == true)
        #expect(invocation.event == Data(#"{"a":1}"#.utf8))
    }

    @Test("a missing request id or an unusable deadline is an error that names the header")
    func rejectsBadHeaders() {
        #expect(throws: Invocation.ParseError.missingHeader("Lambda-Runtime-Aws-Request-Id")) {
            try Invocation(response: HTTPResponse(status: 200, headers: ["Lambda-Runtime-Deadline-Ms": "1"]))
        }
        for bad in ["", "soon", "-5", "1.5e12"] {
            #expect(throws: Invocation.ParseError.invalidDeadline(bad, requestId: "id")) {
                try Invocation(response: HTTPResponse(status: 200, headers: ["Lambda-Runtime-Aws-Request-Id": "id", "Lambda-Runtime-Deadline-Ms": bad]))
            }
        }
    }
}

@Suite("invocation response request")
struct InvocationResponseRequestTests {
    @Test("POST /runtime/invocation/{id}/response with the JSON payload")
    func request() {
        let request = InvocationResponseRequest(requestId: "abc", payload: Data(#"{"ok":true}"#.utf8)).httpRequest(endpoint)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/abc/response")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.body == Data(#"{"ok":true}"#.utf8))
    }
}

@Suite("invocation error request")
struct InvocationErrorRequestTests {
    @Test("POST /runtime/invocation/{id}/error with errorType, errorMessage and the error-type header")
    func request() throws {
        let report = LambdaErrorReport(origin: .function, errorType: "MalformedEvent", errorMessage: "detail.instance-id is missing")
        let request = InvocationErrorRequest(requestId: "abc", report: report).httpRequest(endpoint)
        #expect(request.url.absoluteString == "http://127.0.0.1:9001/2018-06-01/runtime/invocation/abc/error")
        #expect(request.headers["Lambda-Runtime-Function-Error-Type"] == "Function.MalformedEvent")
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(body["errorType"] as? String == "MalformedEvent")
        #expect(body["errorMessage"] as? String == "detail.instance-id is missing")
        #expect((body["stackTrace"] as? [String])?.isEmpty == true)
    }
}

@Suite("initialization error request")
struct InitializationErrorRequestTests {
    @Test("POST /runtime/init/error with a Runtime.<Name> error type")
    func request() {
        let report = LambdaErrorReport(origin: .runtime, errorType: "InvalidConfiguration", errorMessage: "UPTIME_THRESHOLD…")
        let request = InitializationErrorRequest(report: report).httpRequest(endpoint)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "http://127.0.0.1:9001/2018-06-01/runtime/init/error")
        #expect(request.headers["Lambda-Runtime-Function-Error-Type"] == "Runtime.InvalidConfiguration")
    }
}
