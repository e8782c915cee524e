import Foundation
import Logging
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Lambda context")
struct LambdaContextTests {
    @Test("remaining time counts down to the deadline and stops at zero")
    func remainingTime() {
        let context = LambdaContext(
            requestId: "r", deadlineEpochMilliseconds: 1_000_000, invokedFunctionArn: "", traceId: nil, logger: Logger(label: "t")
        )
        #expect(context.remainingTime(now: Date(timeIntervalSince1970: 990)) == .milliseconds(10_000))
        #expect(context.remainingTime(now: Date(timeIntervalSince1970: 1001)) == .zero)
        #expect(context.logger[metadataKey: "requestId"] == "r")
    }

    @Test("the work deadline keeps the reporting reserve back from Lambda's")
    func workDeadline() {
        let context = LambdaContext(
            requestId: "r", deadlineEpochMilliseconds: 1_000_000, invokedFunctionArn: "", traceId: nil, logger: Logger(label: "t")
        )
        #expect(context.workDeadline == Date(timeIntervalSince1970: 999.5))
        #expect(context.deadline.timeIntervalSince(context.workDeadline) * 1000 == Double(LambdaContext.reportingReserve.totalMilliseconds))
    }
}
