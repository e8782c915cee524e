import FoundationEssentials
import AWS
import CurlHTTP

/// Every alert channel, registered in one place: what the configuration names becomes the list
/// the functions send through, in the order alerts go out (e-mail, Slack, Teams). A new channel is
/// a folder under `Channels/` and one line here.
public enum AlertChannels {
    /// - Parameters:
    ///   - includeTopic: the SNS topic is the checker's (the StateChangeHandler's warnings go to chat only).
    ///   - http: a new HTTP client for each webhook (one libcurl handle each).
    public static func configured(_ configuration: FunctionConfiguration, aws: AWSClient, includeTopic: Bool,
                                  http: () -> any HTTPClient) throws -> [any AlertChannel] {
        var channels: [any AlertChannel] = []
        if includeTopic, let topicArn = configuration.topicArn {
            channels.append(SNSAlertChannel(publisher: SNSClient(aws: aws), topicArn: topicArn))
        }
        if let source = configuration.slackWebhook {
            let url = try source.resolve(ssm: SSMClient(aws: aws), parameterVariable: "SLACK_WEBHOOK_PARAMETER")
            channels.append(SlackAlertChannel(poster: SlackWebhookClient(webhookURL: url, http: http()), channel: configuration.slackChannel))
        }
        if let source = configuration.teamsWebhook {
            let url = try source.resolve(ssm: SSMClient(aws: aws), parameterVariable: "TEAMS_WEBHOOK_PARAMETER")
            channels.append(TeamsAlertChannel(poster: TeamsWebhookClient(webhookURL: url, http: http())))
        }
        return channels
    }
}
