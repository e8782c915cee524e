/// How often and how patiently a failed AWS call is tried again: exponential backoff with full
/// jitter (a random pause between zero and `base × 2^(attempt-1)`, capped), so that many clients
/// throttled at once do not come back in step.
public struct RetryPolicy: Sendable, Equatable {
    public var maximumAttempts: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    /// An attempt is not started with less time than this left before the deadline.
    public var minimumAttemptTime: Duration

    public init(maximumAttempts: Int = 5, baseDelay: Duration = .milliseconds(50), maximumDelay: Duration = .seconds(2),
                minimumAttemptTime: Duration = .milliseconds(100)) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.minimumAttemptTime = minimumAttemptTime
    }

    public static let standard = RetryPolicy()

    /// The largest pause after failed attempt number `attempt` (1-based), before jitter.
    public func delayCeiling(afterAttempt attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 30)
        let ceiling = baseDelay * (1 << exponent)
        return min(ceiling, maximumDelay)
    }

    /// The pause after failed attempt `attempt`: `fraction` (in 0..<1, random in production) of the ceiling.
    public func delay(afterAttempt attempt: Int, fraction: Double) -> Duration {
        let ceiling = delayCeiling(afterAttempt: attempt)
        let nanoseconds = Double(ceiling.totalMilliseconds) * 1_000_000 * min(max(fraction, 0), 1)
        return .nanoseconds(Int64(nanoseconds))
    }
}
