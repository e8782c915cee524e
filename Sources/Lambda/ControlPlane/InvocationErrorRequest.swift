import FoundationEssentials
import CurlHTTP
import Support

/// `POST /runtime/invocation/{id}/error`: the invocation failed; the report says how.
public struct InvocationErrorRequest: Sendable {
    public let requestId: String
    public let report: LambdaErrorReport

    public init(requestId: String, report: LambdaErrorReport) {
        self.requestId = requestId
        self.report = report
    }

    public func httpRequest(_ endpoint: RuntimeAPIEndpoint) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: endpoint.invocationURL(requestId, "error"),
            headers: ["Content-Type": "application/vnd.aws.lambda.error+json", "Lambda-Runtime-Function-Error-Type": report.headerValue],
            body: report.jsonBody()
        )
    }
}
