import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Lambda error report")
struct LambdaErrorReportTests {
    struct Plain: Error {}
    struct Named: LambdaReportableError { var errorType: String { "SlackDeliveryFailed" } }

    @Test("a handler error is Function.<its errorType>, or Function.<its Swift type>")
    func names() {
        #expect(LambdaErrorReport(handlerError: Named()).headerValue == "Function.SlackDeliveryFailed")
        #expect(LambdaErrorReport(handlerError: Plain()).headerValue == "Function.Plain")
        #expect(LambdaErrorReport(origin: .runtime, errorType: "X", errorMessage: "").headerValue == "Runtime.X")
    }
}
