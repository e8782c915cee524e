import Lambda
import AWS
import CurlHTTP
import Support
/// How long an instance may run: the function's `UPTIME_THRESHOLD`, unless the instance's
/// `instance-watch:max-uptime` tag says otherwise (a duration such as `12h`, or `off`).
public enum UptimePolicy {
    public static let overrideTag = "instance-watch:max-uptime"
    /// An instance's own opt-in to being stopped (`12h`): honoured only with `AUTO_STOP` on.
    public static let stopAfterTag = "instance-watch:stop-after"

    /// The limit that applies to one instance, and where it comes from (the messages say which).
    public enum Limit: Sendable, Equatable {
        case threshold(seconds: Int)
        case tag(seconds: Int)
        case silenced

        public var seconds: Int? {
            switch self {
            case .threshold(let seconds), .tag(let seconds): return seconds
            case .silenced: return nil
            }
        }

        /// `6h (UPTIME_THRESHOLD)`, `12h (tag instance-watch:max-uptime)`.
        public var explained: String {
            switch self {
            case .threshold(let seconds): return "\(DurationSetting.describe(seconds: seconds)) (UPTIME_THRESHOLD)"
            case .tag(let seconds): return "\(DurationSetting.describe(seconds: seconds)) (tag \(UptimePolicy.overrideTag))"
            case .silenced: return "none (tag \(UptimePolicy.overrideTag)=off)"
            }
        }
    }

    /// The limit for an instance with these tags (nil: tags unknown, as when EC2 could not be asked).
    /// A tag value that is neither `off` nor a duration keeps the threshold and says why in `problem`.
    public static func limit(tags: [String: String]?, threshold: Int) -> (limit: Limit, problem: String?) {
        guard let raw = tags?[overrideTag] else { return (.threshold(seconds: threshold), nil) }
        let value = raw.trimmingWhitespace().lowercased()
        if value == "off" { return (.silenced, nil) }
        if let seconds = DurationSetting.seconds(from: value), seconds > 0 { return (.tag(seconds: seconds), nil) }
        let problem = "tag \(overrideTag)=\"\(raw.prefix(40))\" is neither off nor a duration such as 12h; the threshold applies"
        return (.threshold(seconds: threshold), problem)
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
