import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// Where instance-watch posts Slack messages, resolved once at start-up (a cold start): the URL
/// from `SLACK_WEBHOOK_URL`, or the SSM SecureString named by `SLACK_WEBHOOK_PARAMETER`.
public enum SlackWebhook {
    /// Lambda gives a cold start's initialisation 10 s; the look-up keeps 2 of them to report a failure.
    public static let lookUpBudget: TimeInterval = 8

    public static func resolve(_ source: FunctionConfiguration.SlackWebhookSource, ssm: SSMClient) throws -> URL {
        switch source {
        case .url(let url):
            return url
        case .ssmParameter(let name):
            let value = try ssm.getParameter(name: name, withDecryption: true, deadline: Date().addingTimeInterval(lookUpBudget))
            guard let url = WebhookURL.parse(value) else {
                // The value is a secret: the error names the parameter, not what it holds.
                throw ConfigurationError.invalidValue(variable: "SLACK_WEBHOOK_PARAMETER", value: name,
                                                      expected: "the name of a parameter whose value is " + WebhookURL.expected)
            }
            return url
        }
    }
}
