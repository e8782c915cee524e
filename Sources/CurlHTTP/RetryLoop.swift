import FoundationEssentials

/// Runs the attempts of one outbound call under a retry policy and an optional deadline: no attempt
/// starts with less than `minimumAttemptTime` left, and no pause is taken that would leave less.
/// The caller classifies each attempt's outcome and words its own errors; the loop only decides
/// whether, and how long after, to try again.
public struct RetryLoop {
    public enum Outcome<Value, Failure: Error> {
        case success(Value)
        /// Worth another attempt, after `pause` if the peer asked for one (Retry-After), else after backoff.
        case retryable(Failure, pause: Duration? = nil)
        /// Retrying cannot help.
        case final(Failure)
    }

    /// No single attempt waits longer than this, deadline or not.
    public static let attemptTimeout = Duration.seconds(10)

    public let policy: RetryPolicy
    let clock: () -> Date
    let sleep: (Duration) -> Void
    let randomFraction: () -> Double

    public init(policy: RetryPolicy, clock: @escaping () -> Date = { Date() }, sleep: @escaping (Duration) -> Void = sleepThread,
                randomFraction: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.policy = policy
        self.clock = clock
        self.sleep = sleep
        self.randomFraction = randomFraction
    }

    /// `attempt` gets its number (from 1) and the timeout it must respect; `outOfTime` words the error
    /// when the deadline stops the loop, given the attempts made, the last failure, and the pause that
    /// would have passed the deadline (nil when there was no time for the attempt itself).
    public func run<Value, Failure: Error>(
        deadline: Date?,
        attempt: (_ number: Int, _ timeout: HTTPTimeout) -> Outcome<Value, Failure>,
        outOfTime: (_ attempts: Int, _ lastFailure: Failure?, _ pause: Duration?) -> Failure
    ) throws(Failure) -> Value {
        var number = 0
        var lastFailure: Failure?
        while true {
            number += 1
            var timeout = HTTPTimeout.clientDefault
            if let deadline {
                let remaining = timeLeft(until: deadline)
                guard remaining >= policy.minimumAttemptTime else { throw outOfTime(number - 1, lastFailure, nil) }
                timeout = .after(min(remaining, Self.attemptTimeout))
            }
            let failure: Failure
            let requestedPause: Duration?
            switch attempt(number, timeout) {
            case .success(let value):
                return value
            case .final(let error):
                throw error
            case .retryable(let error, let pause):
                (failure, requestedPause) = (error, pause)
            }
            guard number < policy.maximumAttempts else { throw failure }
            lastFailure = failure
            let pause = requestedPause ?? policy.delay(afterAttempt: number, fraction: randomFraction())
            if let deadline, timeLeft(until: deadline) < pause + policy.minimumAttemptTime {
                throw outOfTime(number, failure, pause)
            }
            sleep(pause)
        }
    }

    private func timeLeft(until deadline: Date) -> Duration {
        .milliseconds(Int64(((deadline.timeIntervalSince1970 - clock().timeIntervalSince1970) * 1000).rounded(.down)))
    }
}
