import FoundationEssentials
import Logging
import CurlHTTP
import Support

/// What the Runtime API says about one invocation, handed to the handler with the event.
public struct LambdaContext: Sendable {
    public let requestId: String
    /// When Lambda stops the invocation, in milliseconds since the Unix epoch (`Lambda-Runtime-Deadline-Ms`).
    public let deadlineEpochMilliseconds: Int64
    public let invokedFunctionArn: String
    public let traceId: String?
    /// Carries `requestId` as metadata, so every line a handler logs names its invocation.
    public let logger: Logger
    /// This invocation's figures, written as one metrics line when it ends.
    public let metrics: InvocationMetrics

    public init(requestId: String, deadlineEpochMilliseconds: Int64, invokedFunctionArn: String, traceId: String?, logger: Logger,
                metrics: InvocationMetrics = InvocationMetrics(names: [])) {
        self.requestId = requestId
        self.deadlineEpochMilliseconds = deadlineEpochMilliseconds
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "requestId"] = .string(requestId)
        self.logger = logger
    }

    /// The account the function runs in, from its ARN (`arn:aws:lambda:eu-west-1:123456789012:function:name`);
    /// nil when Lambda gave none (a local `--event` run). Unlike an event's `account`, nobody can make it up.
    public var invokedFunctionAccount: String? {
        let parts = invokedFunctionArn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[4].utf8.count == 12, parts[4].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return String(parts[4])
    }

    public var deadline: Date { Date(timeIntervalSince1970: Double(deadlineEpochMilliseconds) / 1000) }

    /// Kept back from Lambda's deadline so that, when the work runs out of time, the runtime can still
    /// report the error: Lambda would otherwise stop the process mid-retry and the reason would be lost.
    public static let reportingReserve = Duration.milliseconds(500)

    /// The deadline handlers give their outbound calls: Lambda's, less `reportingReserve`.
    public var workDeadline: Date {
        deadline.addingTimeInterval(-Double(Self.reportingReserve.totalMilliseconds) / 1000)
    }

    /// Time left before the deadline (zero once it has passed); retries and timeouts are cut to fit it.
    public func remainingTime(now: Date = Date()) -> Duration {
        let milliseconds = deadlineEpochMilliseconds - Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        return .milliseconds(max(0, milliseconds))
    }
}
