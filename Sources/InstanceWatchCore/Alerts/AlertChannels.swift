import FoundationEssentials
import AWS
import CurlHTTP
import Support

/// Every alert channel, registered in one place: what the configuration names becomes the routes
/// the functions send through (the topic, each owner's destination, the default destination). A
/// new channel is a folder under `Channels/` and a line here.
public enum AlertChannels {
    /// - Parameters:
    ///   - includeTopic: the SNS topic is the checker's (the StateChangeHandler's warnings go to chat only).
    ///   - http: a new HTTP client for each webhook (one libcurl handle each).
    ///   - slackLedger: in Slack app mode, where each uptime alert's message is noted (the checker's
    ///     table), and forgotten once the alert is closed in place.
    public static func configured(_ configuration: FunctionConfiguration, aws: AWSClient, includeTopic: Bool,
                                  slackLedger: (any SlackMessageLedger)? = nil, http: () -> any HTTPClient) throws -> AlertRoutes {
        let ssm = SSMClient(aws: aws)
        // Every SSM read below shares one budget of the cold start.
        let lookUpDeadline = SecretSource.lookUpDeadline()
        // Slack app mode: one Web API client for every channel the app posts to.
        let slackApp = try configuration.slackBotToken.map { SlackAPIClient(baseURL: configuration.slackAPIURL, token: try $0.resolve(ssm: ssm, deadline: lookUpDeadline), http: http(), plainHTTP: configuration.plainHTTP) }
        func appChannel(_ api: SlackAPIClient, _ channel: String) -> any AlertChannel {
            SlackAppAlertChannel(api: api, channel: channel, offersStop: configuration.slackStop, ledger: slackLedger)
        }
        let document = try configuration.routesParameter.map { try RoutesDocument.read(ssm: ssm, parameter: $0, plainHTTP: configuration.plainHTTP, deadline: lookUpDeadline) }
        let topic = includeTopic ? configuration.topicArn.map { SNSAlertChannel(publisher: SNSClient(aws: aws), topicArn: $0) } : nil

        /// A destination of the routes document as channels: Slack, then Teams.
        func channels(_ destination: RoutesDocument.Destination, place: String) throws -> [any AlertChannel] {
            var channels: [any AlertChannel] = []
            if let slackApp, let channel = destination.slackChannel {
                channels.append(appChannel(slackApp, channel))
            } else if let url = destination.slackWebhook {
                channels.append(SlackAlertChannel(poster: SlackWebhookClient(webhookURL: url, http: http()), channel: destination.slackChannel))
            } else if destination.slackChannel != nil {
                throw ConfigurationError.invalidValue(variable: "ROUTES_PARAMETER", value: configuration.routesParameter, expected:
                    "a routes document whose destinations can be reached: at \(place), slackChannel needs Slack app mode (SLACK_BOT_TOKEN) or a slackWebhook beside it")
            }
            if let url = destination.teamsWebhook {
                channels.append(TeamsAlertChannel(poster: TeamsWebhookClient(webhookURL: url, http: http())))
            }
            return channels
        }

        // The default destination: the document's, else the function's own webhooks.
        var fallback: [any AlertChannel] = []
        if let destination = document?.defaultDestination {
            fallback = try channels(destination, place: "default")
        } else {
            if let slackApp, let channel = configuration.slackChannel {
                fallback.append(appChannel(slackApp, channel))
            } else if let source = configuration.slackWebhook {
                let url = try source.resolve(ssm: ssm, parameterVariable: "SLACK_WEBHOOK_PARAMETER", plainHTTP: configuration.plainHTTP, deadline: lookUpDeadline)
                fallback.append(SlackAlertChannel(poster: SlackWebhookClient(webhookURL: url, http: http()), channel: configuration.slackChannel))
            }
            if let source = configuration.teamsWebhook {
                let url = try source.resolve(ssm: ssm, parameterVariable: "TEAMS_WEBHOOK_PARAMETER", plainHTTP: configuration.plainHTTP, deadline: lookUpDeadline)
                fallback.append(TeamsAlertChannel(poster: TeamsWebhookClient(webhookURL: url, http: http())))
            }
        }
        var owners: [String: [any AlertChannel]] = [:]
        for (owner, destination) in document?.owners ?? [:] {
            owners[owner] = try channels(destination, place: "owners.\(owner)")
        }
        // Direct e-mail only to the domains allowed: an owner tag is anyone's to write.
        let directEmail = configuration.sesFromAddress.flatMap { from -> ((String) -> any AlertChannel)? in
            guard !configuration.sesAllowedDomains.isEmpty else { return nil }
            let sender = SESClient(aws: aws)
            return { address in SESAlertChannel(sender: sender, from: from, to: address) }
        }
        // The alerts the app posted and noted are closed in place once their instance ends.
        let endedAlerts = slackApp.flatMap { api in slackLedger.map { SlackAlertCloser(api: api, ledger: $0) } }
        var routes = AlertRoutes(ownership: Ownership(tags: configuration.ownerTags, accounts: document?.accounts ?? [:]), topic: topic,
                                 owners: owners, fallback: fallback, directEmail: directEmail, endedAlerts: endedAlerts)
        routes.allowedEmailDomains = configuration.sesAllowedDomains
        if configuration.sesFromAddress != nil && configuration.sesAllowedDomains.isEmpty {
            routes.notes.append("SES_FROM_ADDRESS is set without SES_ALLOWED_DOMAINS: no owner is e-mailed directly")
        }
        return routes
    }
}

extension RoutesDocument {
    /// The document in the SSM SecureString `parameter` names, read and checked once per cold start.
    /// A bad one stops the function at start, naming the parameter and the place in the document.
    public static func read(ssm: SSMClient, parameter: String, plainHTTP: WebhookURL.PlainHTTP, deadline: Date) throws -> RoutesDocument {
        // As stored, untrimmed: the line and column of an error are the document's own.
        let text = try ssm.getParameter(name: parameter, withDecryption: true, deadline: deadline)
        do {
            return try parse(text, plainHTTP: plainHTTP)
        } catch {
            throw ConfigurationError.invalidValue(variable: "ROUTES_PARAMETER", value: parameter,
                                                  expected: "a parameter holding a routes document (docs/configuration.md, \"Routing\"); its value, \(error)")
        }
    }
}
