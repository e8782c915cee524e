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
        guard let seconds = Int64(timestamp), abs(Int64(now.timeIntervalSince1970.rounded(.down)) - seconds) <= window else { return .staleTimestamp }
        let expected = sign(secret: secret, timestamp: timestamp, body: body)
        return constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) ? .valid : .mismatch
    }

    /// Compares every byte whatever the first difference, so the time taken says nothing about how
    /// much of a forged signature was right.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}
