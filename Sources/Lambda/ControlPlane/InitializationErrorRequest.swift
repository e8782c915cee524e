import FoundationEssentials
import CurlHTTP
import Support

/// `POST /runtime/init/error`: start-up failed (bad configuration); Lambda serves this error to the
/// first invocation and the runtime exits.
public struct InitializationErrorRequest: Sendable {
    public let report: LambdaErrorReport

    public init(report: LambdaErrorReport) {
        self.report = report
    }

    public func httpRequest(_ endpoint: RuntimeAPIEndpoint) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: endpoint.url("/runtime/init/error"),
            headers: ["Content-Type": "application/vnd.aws.lambda.error+json", "Lambda-Runtime-Function-Error-Type": report.headerValue],
            body: report.jsonBody()
        )
    }
}
