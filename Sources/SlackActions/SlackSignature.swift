import FoundationEssentials
import InstanceWatchCore
import AWS
import Support

/// Slack's request signature (v0): `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, under the
/// app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`. Pure: the clock is passed.
public enum SlackSignature {
    /// Slack's own advice: a request more than five minutes from the clock, either way, is a replay.
    public static let window: Int64 = 300

    public enum Verdict: Sendable, Equatable {
        case valid
        case missingHeaders
        case staleTimestamp
        case mismatch

        /// For the one log line a refused request gets (never the signature or the secret).
        public var reason: String {
            switch self {
            case .valid: return "valid"
            case .missingHeaders: return "no X-Slack-Signature or X-Slack-Request-Timestamp"
            case .staleTimestamp: return "timestamp more than 5 minutes from this function's clock"
            case .mismatch: return "signature does not match the body"
            }
        }
    }

    /// `v0=…` for a body: what Slack sends, and what tests sign with.
    public static func sign(secret: String, timestamp: String, body: some Sequence<UInt8>) -> String {
        "v0=" + Digest.hex(Digest.hmacSHA256(key: Array(secret.utf8), Array("v0:\(timestamp):".utf8) + Array(body)))
    }

    public static func verify(secret: String, timestamp: String?, signature: String?, body: [UInt8], now: Date) -> Verdict {
        guard let timestamp, let signature, !timestamp.isEmpty, !signature.isEmpty else { return .missingHeaders }
        // Read into a sane range before any arithmetic: the header is anyone's to write, and
        // `now - Int64.min` would trap (and kill the execution environment) before the HMAC.
        guard let seconds = epochSeconds(timestamp), abs(Int64(now.timeIntervalSince1970.rounded(.down)) - seconds) <= window else { return .staleTimestamp }
        let expected = sign(secret: secret, timestamp: timestamp, body: body)
        return constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) ? .valid : .mismatch
    }

    /// A timestamp as Slack writes it: epoch seconds, ten digits until the year 2286 (at most twelve
    /// taken), no sign; anything else is nil.
    static func epochSeconds(_ text: String) -> Int64? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int64(text)
    }

    /// Lengths first (an expected signature's length is no secret: `v0=` and 64 hex digits), then
    /// every byte whatever the first difference, so the time taken says nothing about how much of a
    /// forged signature was right.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    /// The signing secret as configured, or why it cannot be one: an empty or blank secret would
    /// make every signature computable by anyone.
    public static func checkedSecret(_ secret: String) throws(ConfigurationError) -> String {
        guard !secret.trimmingWhitespace().isEmpty else {
            throw .invalidValue(variable: "SLACK_SIGNING_SECRET", value: nil,
                                expected: "the Slack app's signing secret (it is empty or blank: no click could be verified)")
        }
        return secret
    }
}
