import FoundationEssentials
import AWS
import Support

/// Where a webhook URL comes from: the URL itself (`SLACK_WEBHOOK_URL`, `TEAMS_WEBHOOK_URL`), or an
/// SSM SecureString holding it (`…_PARAMETER`), read once per cold start. The URL is a credential:
/// it is never described, logged or put in an error.
public enum WebhookSource: Sendable, Equatable, CustomStringConvertible {
    case url(URL)
    case ssmParameter(String)

    public var description: String {
        switch self {
        case .url: return "a webhook URL (<redacted>)"
        case .ssmParameter(let name): return "SSM parameter \(name)"
        }
    }

    /// The URL, read from SSM when it is kept there.
    /// - Parameter parameterVariable: the variable that named the parameter, for the error.
    public func resolve(ssm: SSMClient, parameterVariable: String, plainHTTP: WebhookURL.PlainHTTP, deadline: Date) throws -> URL {
        switch self {
        case .url(let url):
            return url
        case .ssmParameter(let name):
            guard let url = WebhookURL.parse(try SecretSource.ssmParameter(name).resolve(ssm: ssm, deadline: deadline), plainHTTP: plainHTTP) else {
                // The value is a secret: the error names the parameter, not what it holds.
                throw ConfigurationError.invalidValue(variable: parameterVariable, value: name,
                                                      expected: "the name of a parameter whose value is " + WebhookURL.expected)
            }
            return url
        }
    }
}
