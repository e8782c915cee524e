import Lambda
import AWS
import CurlHTTP
import Support
/// How long an instance may run: the function's `UPTIME_THRESHOLD`, unless the instance's
/// `instance-watch:max-uptime` tag says otherwise (a duration such as `12h`, or `off`), or the
/// policies document does for its account or OU (`PolicyBook`).
public enum UptimePolicy {
    public static let overrideTag = "instance-watch:max-uptime"
    /// An instance's own opt-in to being stopped (`12h`): honoured only with `AUTO_STOP` on.
    public static let stopAfterTag = "instance-watch:stop-after"

    /// The limit that applies to one instance, and where it comes from (the messages say which).
    public enum Limit: Sendable, Equatable {
        case threshold(seconds: Int)
        case tag(seconds: Int)
        case silenced
        /// From the policies document (`account:<id>`, `ou:<id>`, `default`); nil seconds: `off`.
        case policy(seconds: Int?, source: PolicySource)

        public var seconds: Int? {
            switch self {
            case .threshold(let seconds), .tag(let seconds): return seconds
            case .silenced: return nil
            case .policy(let seconds, _): return seconds
            }
        }

        /// Where the limit came from: the policy alerts and the result name.
        public var source: PolicySource {
            switch self {
            case .threshold: return .environment
            case .tag, .silenced: return .tag
            case .policy(_, let source): return source
            }
        }

        /// `6h (UPTIME_THRESHOLD)`, `12h (tag instance-watch:max-uptime)`.
        public var explained: String {
            switch self {
            case .threshold(let seconds): return "\(DurationSetting.describe(seconds: seconds)) (UPTIME_THRESHOLD)"
            case .tag(let seconds): return "\(DurationSetting.describe(seconds: seconds)) (tag \(UptimePolicy.overrideTag))"
            case .silenced: return "none (tag \(UptimePolicy.overrideTag)=off)"
            case .policy(let seconds?, let source): return "\(DurationSetting.describe(seconds: seconds)) (policy \(source))"
            case .policy(nil, let source): return "none (policy \(source): threshold off)"
            }
        }
    }

    /// The limit for an instance with these tags (nil: tags unknown, as when EC2 could not be asked).
    /// A tag value that is neither `off` nor a duration keeps the threshold and says why in `problem`.
    public static func limit(tags: [String: String]?, threshold: Int) -> (limit: Limit, problem: String?) {
        let (limit, problem) = tagLimit(tags: tags)
        return (limit ?? .threshold(seconds: threshold), problem)
    }

    /// The instance's own limit, from its tag; nil when it has none (or one that says nothing).
    public static func tagLimit(tags: [String: String]?) -> (limit: Limit?, problem: String?) {
        guard let raw = tags?[overrideTag] else { return (nil, nil) }
        let value = raw.trimmingWhitespace().lowercased()
        if value == "off" { return (.silenced, nil) }
        if let seconds = DurationSetting.seconds(from: value), seconds > 0 { return (.tag(seconds: seconds), nil) }
        return (nil, "tag \(overrideTag)=\"\(raw.prefix(40))\" is neither off nor a duration such as 12h; the threshold applies")
    }

    /// Overdue: running for at least its limit. A silenced instance never is.
    public static func isOverdue(runningSince: UTCDateTime, now: UTCDateTime, limit: Limit) -> Bool {
        guard let seconds = limit.seconds else { return false }
        return now.epochSeconds - runningSince.epochSeconds >= seconds
    }

    /// The shortest `stop-after` that opts in. Shorter values are more likely a typo (`1m` for a
    /// month) than a wish, and with a manager that replaces stopped instances they would make a loop.
    public static let minimumStopAfter = 3600

    /// How long the instance may run before instance-watch stops it (its `instance-watch:stop-after`
    /// tag), nil when it did not opt in. A value that is not a duration, or is under an hour, opts in
    /// to nothing and says why in `problem`: stopping is never done on a guess.
    public static func stopAfter(tags: [String: String]?) -> (seconds: Int?, problem: String?) {
        guard let raw = tags?[stopAfterTag] else { return (nil, nil) }
        guard let seconds = DurationSetting.seconds(from: raw), seconds > 0 else {
            return (nil, "tag \(stopAfterTag)=\"\(raw.prefix(40))\" is not a duration such as 12h; the instance is not stopped")
        }
        guard seconds >= minimumStopAfter else {
            return (nil, "tag \(stopAfterTag)=\"\(raw.prefix(40))\" is under 1h, which opts in to nothing; the instance is not stopped")
        }
        return (seconds, nil)
    }
}
