import FoundationEssentials
import AWS
import Support

/// A secret that is not a URL (the Slack bot token, the signing secret): the value itself, for local
/// runs, or an SSM SecureString holding it, read once per cold start. Never described, logged or
/// put in an error.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case value(String)
    case ssmParameter(String)

    /// Lambda gives a cold start's initialisation 10 s; the look-up keeps 2 of them to report a failure.
    public static let lookUpBudget: TimeInterval = 8

    public var description: String {
        switch self {
        case .value: return "a value (<redacted>)"
        case .ssmParameter(let name): return "SSM parameter \(name)"
        }
    }

    public func resolve(ssm: SSMClient) throws -> String {
        switch self {
        case .value(let value):
            return value
        case .ssmParameter(let name):
            return try ssm.getParameter(name: name, withDecryption: true, deadline: Date().addingTimeInterval(Self.lookUpBudget))
                .trimmingWhitespace()
        }
    }
}
