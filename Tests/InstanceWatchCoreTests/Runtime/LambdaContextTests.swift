import Foundation
import Logging
import Testing
@testable import InstanceWatchCore

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
}
