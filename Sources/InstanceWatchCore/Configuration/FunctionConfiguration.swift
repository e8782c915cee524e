import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// The functions' own settings (the design's configuration table), read and checked once at start-up.
/// Every error names its variable; secret values (the webhook URL) are never repeated in one.
public struct FunctionConfiguration: Sendable, Equatable {
    public enum NotifyMode: String, Sendable, Equatable {
        case each, digest
    }

    /// `AUTO_STOP`: whether instances tagged `instance-watch:stop-after` are stopped once they have run that long.
    public enum AutoStop: String, Sendable, Equatable {
        case off
        /// Reported as what would be stopped, and nothing is.
        case dryRun = "dry-run"
        case on
    }


    public static let defaultTableName = "instance_operating_time_table"
    public static let defaultUptimeThreshold = 6 * 3600

    public var tableName = defaultTableName
    public static let defaultLedgerTableName = "instance_watch_ledger"
    /// `LEDGER_TABLE_NAME`: the savings ledger, an item per stop the product takes credit for.
    public var ledgerTableName = defaultLedgerTableName
    /// `CREDIT_WINDOW`: a stop by anyone this long after an alert about the instance counts as acted on.
    public var creditWindow = 86_400
    /// `SAVINGS_CAP`: the longest one stop counts as saving.
    public var savingsCap = Savings.defaultCap
    public var topicArn: String?
    public var slackWebhook: WebhookSource?
    /// A Microsoft Teams Workflows webhook (`TEAMS_WEBHOOK_URL` or `TEAMS_WEBHOOK_PARAMETER`).
    public var teamsWebhook: WebhookSource?
    public var slackChannel: String?
    /// Seconds an instance may run before alerts start.
    public var uptimeThreshold = defaultUptimeThreshold
    /// At most one alert per instance per this many seconds; 0 alerts on every run.
    public var notifyInterval = 0
    public var notifyMode = NotifyMode.each
    /// Organisation-wide: the role both functions assume in other accounts; nil = single account.
    public var memberRoleName: String?
    /// Accounts the checker reconciles besides its own and those its table names.
    public var watchedAccounts: [String] = []
    /// Regions the checker reconciles in every account, besides its own and those its table names.
    public var watchedRegions: [String] = []
    /// How many (account, region) pairs the checker reconciles at once.
    public var checkConcurrency = defaultCheckConcurrency
    /// Measured against AWS's latencies (bench/aws_scale.py, docs/deploying.md): 32 at once records a
    /// new organisation of 1,000 accounts x 17 regions in about 130 s, keeps the central account's
    /// AssumeRole calls near 300 a second, and adds about 1.6 MB over 16.
    public static let defaultCheckConcurrency = 32
    public var autoStop = AutoStop.off
    /// `MAX_STOPS_PER_RUN`: at most this many stops in one run; the rest are held back and reported.
    public var maximumStopsPerRun = defaultMaximumStopsPerRun
    public static let defaultMaximumStopsPerRun = 10
    /// The member role that may stop instances: the checker's alone, apart from the reading role
    /// that the StateChangeHandler shares. Defaults to `<MEMBER_ROLE_NAME>-stop`.
    public var memberStopRoleName: String?
    /// `PRICING`: whether uptime alerts say what the instance has cost.
    public var pricing = true

    /// `ALERT_ON`: which overdue instances are alerted.
    public enum AlertOn: String, Sendable, Equatable {
        /// Every overdue instance.
        case uptime
        /// Overdue and idle, or activity unknown; busy ones are counted, not alerted.
        case idle
    }

    /// `MANAGED_INSTANCES`: instances an Auto Scaling group, EKS, Karpenter, a fleet, EMR or Cloud9 manages.
    public enum ManagedInstancesPolicy: String, Sendable, Equatable {
        /// Left out of alerts, counted in the result with their manager.
        case skip
        /// Alerted, marked as managed.
        case alert
    }

    public var alertOn = AlertOn.uptime
    /// Idle: CPU peak below this percentage…
    public var idleCPUPercent = 5.0
    /// …and network in and out below this many MB (10^6 bytes) a day…
    public var idleNetworkMBPerDay = 5.0
    /// …over the uptime, capped at this many seconds.
    public var idleLookback = 14 * 86_400
    /// `AUTO_STOP_REQUIRE_IDLE`: a busy or unknown instance is held back, not stopped.
    public var autoStopRequiresIdle = true
    public var managedInstances = ManagedInstancesPolicy.skip
    /// `OWNER_TAGS`: the tags naming an instance's owner, the first present wins.
    public var ownerTags = Ownership.defaultTags
    /// `ROUTES_PARAMETER`: the SSM SecureString holding the routes document.
    public var routesParameter: String?
    /// `POLICIES_PARAMETER`: the SSM SecureString holding the policies document (per account and OU).
    public var policiesParameter: String?
    /// `ORGANIZATION_ROLE_ARN`: the role in the management (or delegated administrator) account the
    /// checker assumes to read OU membership.
    public var organizationRoleArn: String?
    /// `SES_FROM_ADDRESS`: the verified sender of direct e-mail to owners whose tag is an address.
    public var sesFromAddress: String?
    /// Whether plain `http://` to loopback is taken for the URLs the function reads: never in Lambda.
    public var plainHTTP = WebhookURL.PlainHTTP.loopback
    /// `SES_ALLOWED_DOMAINS`: the domains (lower case) an owner address may have to be mailed
    /// directly; empty: nobody is mailed directly, whatever `SES_FROM_ADDRESS` says. An owner tag is
    /// anyone's to write, and the organisation's sender must not mail whoever a tagger names.
    public var sesAllowedDomains: [String] = []
    /// Slack app mode: the bot token (`SLACK_BOT_TOKEN` or `SLACK_BOT_TOKEN_PARAMETER`).
    public var slackBotToken: SecretSource?
    /// The SlackActionHandler's signing secret (`SLACK_SIGNING_SECRET` or `…_PARAMETER`).
    public var slackSigningSecret: SecretSource?
    /// `SLACK_API_URL`: Slack's Web API, or a local peer.
    public var slackAPIURL = SlackAPIClient.defaultBaseURL
    /// `SLACK_STOP=on`: alerts offer Stop now, and the SlackActionHandler honours it.
    public var slackStop = false
    /// `SLACK_STOP_USERS`: the Slack user ids allowed to press Stop now (empty: anyone in the channel).
    public var slackStopUsers: [String] = []
    /// `SLACK_ACTION_USERS`: the Slack user ids allowed to snooze (empty: anyone in the channel). A
    /// snooze holds off auto-stop too, so it is worth a list of its own.
    public var slackActionUsers: [String] = []
    /// `SLACK_TEAM_ID`, `SLACK_APP_ID`: when set, a click from another workspace or app is refused.
    public var slackTeamId: String?
    public var slackAppId: String?

    public init() {}

    /// The variables, their meaning and default, for `--help`.
    public static let variables: [(name: String, meaning: String)] = [
        ("TABLE_NAME", "DynamoDB table of instance states (default \(defaultTableName))"),
        ("LEDGER_TABLE_NAME", "DynamoDB table of stops and their savings (default \(defaultLedgerTableName))"),
        ("CREDIT_WINDOW", "a stop by anyone within this long after an alert about the instance counts as acted on (default 24h)"),
        ("SAVINGS_CAP", "the longest one stop counts as saving (default 30d)"),
        ("TOPIC_ARN", "SNS topic for uptime alerts; unset = no SNS"),
        ("SLACK_WEBHOOK_URL", "Slack incoming webhook URL (a secret: never logged)"),
        ("SLACK_WEBHOOK_PARAMETER", "name of an SSM SecureString holding the webhook URL, read once per cold start"),
        ("SLACK_CHANNEL", "optional channel override in the Slack payload"),
        ("TEAMS_WEBHOOK_URL", "Microsoft Teams Workflows webhook URL (a secret: never logged)"),
        ("TEAMS_WEBHOOK_PARAMETER", "name of an SSM SecureString holding the Teams webhook URL, read once per cold start"),
        ("UPTIME_THRESHOLD", "how long an instance may run before alerts: 90m, 6h, 2d (default 6h)"),
        ("NOTIFY_INTERVAL", "at most one alert per instance per interval; 0 = every run (default 0)"),
        ("NOTIFY_MODE", "each (one message per instance) or digest (one per run) (default each)"),
        ("MEMBER_ROLE_NAME", "organisation-wide: the role assumed in other accounts (arn:<partition>:iam::<account>:role/<name>); unset = single account"),
        ("WATCHED_ACCOUNTS", "comma-separated account ids the checker reconciles besides its own and those its table names"),
        ("WATCHED_REGIONS", "comma-separated regions the checker reconciles in every account, besides its own and those its table names"),
        ("AUTO_STOP", "off, dry-run or on: stop instances tagged instance-watch:stop-after once they have run that long (default off)"),
        ("PRICING", "on or off: put the estimated cost in uptime alerts (default on)"),
        ("MAX_STOPS_PER_RUN", "at most this many stops in one run; the rest are held back and reported (default \(defaultMaximumStopsPerRun))"),
        ("MEMBER_STOP_ROLE_NAME", "organisation-wide: the role the checker assumes in member accounts to stop instances (default <MEMBER_ROLE_NAME>-stop)"),
        ("ALERT_ON", "uptime (every overdue instance) or idle (overdue and idle or activity unknown; busy ones are counted, not alerted) (default uptime)"),
        ("IDLE_CPU_PERCENT", "idle: CPU peak below this percentage (default 5)"),
        ("IDLE_NETWORK_MB_PER_DAY", "idle: network in and out below this many MB a day (default 5)"),
        ("IDLE_LOOKBACK", "idle is judged over the uptime, capped at this duration (default 14d)"),
        ("AUTO_STOP_REQUIRE_IDLE", "true or false: a busy or unknown instance past its stop-after is held back, not stopped (default true)"),
        ("MANAGED_INSTANCES", "skip or alert: instances of Auto Scaling, EKS, Karpenter, Spot/EC2 Fleet, EMR, Cloud9, never stopped either way (default skip)"),
        ("OWNER_TAGS", "comma-separated tags naming an instance's owner, the first present wins (default \(Ownership.defaultTags.joined(separator: ",")))"),
        ("ROUTES_PARAMETER", "name of an SSM SecureString holding the routes document (owner or account to destinations), read once per cold start"),
        ("POLICIES_PARAMETER", "name of an SSM SecureString holding the policies document (settings per account and OU), read once per cold start"),
        ("ORGANIZATION_ROLE_ARN", "role in the management or delegated administrator account assumed to read OU membership (organizations:ListParents)"),
        ("SES_FROM_ADDRESS", "verified SES sender: owners whose tag is an e-mail address get their alerts directly"),
        ("SES_ALLOWED_DOMAINS", "comma-separated domains an owner address may have to be mailed directly (unset: nobody is)"),
        ("SLACK_BOT_TOKEN", "Slack app mode: the bot token (xoxb-…, a secret: never logged); alerts go by chat.postMessage to SLACK_CHANNEL with Snooze and Stop buttons"),
        ("SLACK_BOT_TOKEN_PARAMETER", "name of an SSM SecureString holding the bot token, read once per cold start"),
        ("SLACK_SIGNING_SECRET", "SlackActionHandler: the Slack app's signing secret (a secret: never logged)"),
        ("SLACK_SIGNING_SECRET_PARAMETER", "name of an SSM SecureString holding the signing secret, read once per cold start"),
        ("SLACK_API_URL", "Slack's Web API base (default https://slack.com/api), for local peers"),
        ("SLACK_STOP", "on or off: alerts offer Stop now, and the SlackActionHandler stops unmanaged instances (default off)"),
        ("SLACK_STOP_USERS", "comma-separated Slack user ids allowed to press Stop now (unset: anyone in the channel)"),
        ("SLACK_ACTION_USERS", "comma-separated Slack user ids allowed to snooze (unset: anyone in the channel)"),
        ("SLACK_TEAM_ID", "SlackActionHandler: the workspace id whose clicks are taken; another's are refused (unset: not checked)"),
        ("SLACK_APP_ID", "SlackActionHandler: the app id whose clicks are taken; another's are refused (unset: not checked)"),
        ("CHECK_CONCURRENCY", "how many account/region pairs the checker reconciles at once, 1 to 64 (default \(defaultCheckConcurrency))"),
        ("AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "as in the AWS SDKs"),
        ("AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, _SNS, _EC2, _SSM, _STS, _PRICING, _CLOUDWATCH, _SES, _ORGANIZATIONS", "endpoint overrides, as in the AWS SDKs"),
        ("AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL", "Text or JSON log lines; TRACE, DEBUG, INFO, WARN, ERROR, FATAL"),
        ("SSL_CERT_FILE", "CA bundle for TLS (default: Amazon Linux's or Debian's)"),
    ]

    /// `arn:<partition>:iam::<12 digits>:role/<path and name>`.
    static func isRoleArn(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[1].hasPrefix("aws") && parts[2] == "iam" && parts[3].isEmpty
            && AccountRegion.isAccountId(String(parts[4])) && parts[5].hasPrefix("role/") && parts[5].count > 5
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> FunctionConfiguration {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
            return text
        }
        var configuration = FunctionConfiguration()
        configuration.plainHTTP = .forEnvironment(environment)
        if let table = value("TABLE_NAME") {
            guard isValidTableName(table) else {
                throw .invalidValue(variable: "TABLE_NAME", value: table, expected: "3 to 255 characters of A-Z a-z 0-9 _ - .")
            }
            configuration.tableName = table
        }
        if let table = value("LEDGER_TABLE_NAME") {
            guard isValidTableName(table) else {
                throw .invalidValue(variable: "LEDGER_TABLE_NAME", value: table, expected: "3 to 255 characters of A-Z a-z 0-9 _ - .")
            }
            configuration.ledgerTableName = table
        }
        if let window = value("CREDIT_WINDOW") {
            guard let seconds = DurationSetting.seconds(from: window), (3600...30 * 86_400).contains(seconds) else {
                throw .invalidValue(variable: "CREDIT_WINDOW", value: window, expected: "a duration from 1h to 30d, such as 24h")
            }
            configuration.creditWindow = seconds
        }
        if let cap = value("SAVINGS_CAP") {
            guard let seconds = DurationSetting.seconds(from: cap), (3600...365 * 86_400).contains(seconds) else {
                throw .invalidValue(variable: "SAVINGS_CAP", value: cap, expected: "a duration from 1h to 365d, such as 30d")
            }
            configuration.savingsCap = seconds
        }
        if let topic = value("TOPIC_ARN") {
            guard topic.hasPrefix("arn:"), topic.split(separator: ":", omittingEmptySubsequences: false).count == 6,
                  topic.split(separator: ":")[2] == "sns"
            else {
                throw .invalidValue(variable: "TOPIC_ARN", value: topic, expected: "an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:alerts")
            }
            configuration.topicArn = topic
        }
        /// A webhook from its URL variable, else from its SSM parameter variable.
        func webhook(url: String, parameter: String) throws(ConfigurationError) -> WebhookSource? {
            if let text = value(url) {
                guard let parsed = WebhookURL.parse(text, plainHTTP: configuration.plainHTTP) else {
                    throw .invalidValue(variable: url, value: nil, expected: WebhookURL.expected + " (the value is not shown: it is a secret)")
                }
                return .url(parsed)
            }
            return value(parameter).map { .ssmParameter($0) }
        }
        configuration.slackWebhook = try webhook(url: "SLACK_WEBHOOK_URL", parameter: "SLACK_WEBHOOK_PARAMETER")
        configuration.teamsWebhook = try webhook(url: "TEAMS_WEBHOOK_URL", parameter: "TEAMS_WEBHOOK_PARAMETER")
        configuration.slackChannel = value("SLACK_CHANNEL")
        if let threshold = value("UPTIME_THRESHOLD") {
            guard let seconds = DurationSetting.seconds(from: threshold), seconds > 0 else {
                throw .invalidValue(variable: "UPTIME_THRESHOLD", value: threshold, expected: DurationSetting.expectedForm)
            }
            configuration.uptimeThreshold = seconds
        }
        if let interval = value("NOTIFY_INTERVAL") {
            guard let seconds = DurationSetting.seconds(from: interval) else {
                throw .invalidValue(variable: "NOTIFY_INTERVAL", value: interval, expected: "0 or " + DurationSetting.expectedForm)
            }
            configuration.notifyInterval = seconds
        }
        /// One of an enumeration's values, written in any case.
        func choice<Choice: RawRepresentable<String>>(_ name: String, expected: String) throws(ConfigurationError) -> Choice? {
            guard let text = value(name) else { return nil }
            guard let parsed = Choice(rawValue: text.lowercased()) else { throw .invalidValue(variable: name, value: text, expected: expected) }
            return parsed
        }
        if let mode: NotifyMode = try choice("NOTIFY_MODE", expected: "each or digest") {
            configuration.notifyMode = mode
        }
        if let role = value("MEMBER_ROLE_NAME") {
            guard isValidRoleName(role) else {
                throw .invalidValue(variable: "MEMBER_ROLE_NAME", value: role, expected: "an IAM role name (1 to 64 characters of A-Z a-z 0-9 + = , . @ _ -), not an ARN")
            }
            configuration.memberRoleName = role
            configuration.memberStopRoleName = isValidRoleName(role + "-stop") ? role + "-stop" : nil
        }
        if let role = value("MEMBER_STOP_ROLE_NAME") {
            guard isValidRoleName(role) else {
                throw .invalidValue(variable: "MEMBER_STOP_ROLE_NAME", value: role, expected: "an IAM role name (1 to 64 characters of A-Z a-z 0-9 + = , . @ _ -), not an ARN")
            }
            configuration.memberStopRoleName = role
        }
        if let accounts = value("WATCHED_ACCOUNTS") {
            let list = Self.list(accounts)
            if let bad = list.first(where: { !AccountRegion.isAccountId($0) }) {
                throw .invalidValue(variable: "WATCHED_ACCOUNTS", value: String(bad.prefix(40)), expected: "comma-separated 12-digit account ids")
            }
            configuration.watchedAccounts = list
        }
        if let regions = value("WATCHED_REGIONS") {
            let list = Self.list(regions)
            if let bad = list.first(where: { !AWSEnvironment.isPlausibleRegion($0) }) {
                throw .invalidValue(variable: "WATCHED_REGIONS", value: String(bad.prefix(40)), expected: "comma-separated region names such as eu-west-1,us-east-1")
            }
            configuration.watchedRegions = list
        }
        if let autoStop: AutoStop = try choice("AUTO_STOP", expected: "off, dry-run or on") {
            configuration.autoStop = autoStop
        }
        if let alertOn: AlertOn = try choice("ALERT_ON", expected: "uptime or idle") {
            configuration.alertOn = alertOn
        }
        if let managed: ManagedInstancesPolicy = try choice("MANAGED_INSTANCES", expected: "skip or alert") {
            configuration.managedInstances = managed
        }
        /// A number above zero, at most `maximum`.
        func positive(_ name: String, maximum: Double) throws(ConfigurationError) -> Double? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), number.isFinite, number > 0, number <= maximum else {
                throw .invalidValue(variable: name, value: text, expected: "a number above 0 and at most \(Int(maximum))")
            }
            return number
        }
        if let percent = try positive("IDLE_CPU_PERCENT", maximum: 100) { configuration.idleCPUPercent = percent }
        if let megabytes = try positive("IDLE_NETWORK_MB_PER_DAY", maximum: 1_000_000) { configuration.idleNetworkMBPerDay = megabytes }
        if let lookback = value("IDLE_LOOKBACK") {
            // CloudWatch keeps hourly datapoints for 63 days.
            guard let seconds = DurationSetting.seconds(from: lookback), (3600...63 * 86_400).contains(seconds) else {
                throw .invalidValue(variable: "IDLE_LOOKBACK", value: lookback, expected: "a duration from 1h to 63d, such as 14d")
            }
            configuration.idleLookback = seconds
        }
        /// A two-valued setting, written in any case: `yes` for true, `no` for false.
        func flag(_ name: String, yes: String, no: String) throws(ConfigurationError) -> Bool? {
            guard let text = value(name) else { return nil }
            switch text.lowercased() {
            case yes: return true
            case no: return false
            default: throw .invalidValue(variable: name, value: text, expected: "\(yes) or \(no)")
            }
        }
        if let requireIdle = try flag("AUTO_STOP_REQUIRE_IDLE", yes: "true", no: "false") { configuration.autoStopRequiresIdle = requireIdle }
        if let cap = value("MAX_STOPS_PER_RUN") {
            guard let count = Int(cap), (0...1000).contains(count) else {
                throw .invalidValue(variable: "MAX_STOPS_PER_RUN", value: cap, expected: "a whole number from 0 to 1000")
            }
            configuration.maximumStopsPerRun = count
        }
        if let pricing = try flag("PRICING", yes: "on", no: "off") { configuration.pricing = pricing }
        if let tags = value("OWNER_TAGS") {
            let list = Self.list(tags)
            if let bad = list.first(where: { $0.utf8.count > 128 }) {
                throw .invalidValue(variable: "OWNER_TAGS", value: String(bad.prefix(40)) + "…", expected: "comma-separated tag keys of at most 128 characters")
            }
            guard !list.isEmpty else { throw .invalidValue(variable: "OWNER_TAGS", value: tags, expected: "comma-separated tag keys such as owner,team") }
            configuration.ownerTags = list
        }
        configuration.routesParameter = value("ROUTES_PARAMETER")
        configuration.policiesParameter = value("POLICIES_PARAMETER")
        if let arn = value("ORGANIZATION_ROLE_ARN") {
            guard isRoleArn(arn) else {
                throw .invalidValue(variable: "ORGANIZATION_ROLE_ARN", value: arn, expected: "a role ARN such as arn:aws:iam::111111111111:role/instance-watch-organization-reader")
            }
            configuration.organizationRoleArn = arn
        }
        if let from = value("SES_FROM_ADDRESS") {
            guard Ownership.isEmailAddress(from) else {
                throw .invalidValue(variable: "SES_FROM_ADDRESS", value: String(from.prefix(80)), expected: "an e-mail address SES has verified, such as instance-watch@example.com")
            }
            configuration.sesFromAddress = from
        }
        if let domains = value("SES_ALLOWED_DOMAINS") {
            let list = Self.list(domains).map { $0.lowercased() }
            if let bad = list.first(where: { !Ownership.isDomainName($0) }) {
                throw .invalidValue(variable: "SES_ALLOWED_DOMAINS", value: String(bad.prefix(80)), expected: "comma-separated e-mail domains such as example.com,eu.example.com")
            }
            configuration.sesAllowedDomains = list
        }
        /// A secret from its value variable, else from its SSM parameter variable.
        func secret(_ name: String, parameter: String) -> SecretSource? {
            value(name).map { .value($0) } ?? value(parameter).map { .ssmParameter($0) }
        }
        configuration.slackBotToken = secret("SLACK_BOT_TOKEN", parameter: "SLACK_BOT_TOKEN_PARAMETER")
        configuration.slackSigningSecret = secret("SLACK_SIGNING_SECRET", parameter: "SLACK_SIGNING_SECRET_PARAMETER")
        if let api = value("SLACK_API_URL") {
            guard let url = WebhookURL.parse(api, plainHTTP: configuration.plainHTTP) else { throw .invalidValue(variable: "SLACK_API_URL", value: api, expected: WebhookURL.expected) }
            configuration.slackAPIURL = url
        }
        if let stop = try flag("SLACK_STOP", yes: "on", no: "off") { configuration.slackStop = stop }
        /// Slack's ids (users, workspaces, apps): upper-case letters and digits.
        func slackIds(_ variable: String, example: String) throws(ConfigurationError) -> [String]? {
            guard let text = value(variable) else { return nil }
            let list = Self.list(text)
            if let bad = list.first(where: { $0.utf8.count > 24 || !$0.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) } }) {
                throw .invalidValue(variable: variable, value: String(bad.prefix(40)), expected: "comma-separated Slack ids such as \(example)")
            }
            return list
        }
        if let users = try slackIds("SLACK_STOP_USERS", example: "U024BE7LH") { configuration.slackStopUsers = users }
        if let users = try slackIds("SLACK_ACTION_USERS", example: "U024BE7LH") { configuration.slackActionUsers = users }
        if let team = try slackIds("SLACK_TEAM_ID", example: "T0001") {
            guard team.count == 1 else { throw .invalidValue(variable: "SLACK_TEAM_ID", value: nil, expected: "one workspace id such as T0001") }
            configuration.slackTeamId = team[0]
        }
        if let app = try slackIds("SLACK_APP_ID", example: "A0001") {
            guard app.count == 1 else { throw .invalidValue(variable: "SLACK_APP_ID", value: nil, expected: "one app id such as A0001") }
            configuration.slackAppId = app[0]
        }
        if configuration.slackBotToken != nil && configuration.slackChannel == nil {
            throw .missingVariable("SLACK_CHANNEL", hint: "with a Slack bot token, alerts go to a channel: set SLACK_CHANNEL to its id (C024BE91L) or name")
        }
        if !configuration.watchedAccounts.isEmpty && configuration.memberRoleName == nil {
            throw .missingVariable("MEMBER_ROLE_NAME", hint: "WATCHED_ACCOUNTS names other accounts; set MEMBER_ROLE_NAME to the role to assume in them")
        }
        if let concurrency = value("CHECK_CONCURRENCY") {
            guard let count = Int(concurrency), (1...64).contains(count) else {
                throw .invalidValue(variable: "CHECK_CONCURRENCY", value: concurrency, expected: "a whole number from 1 to 64")
            }
            configuration.checkConcurrency = count
        }
        return configuration
    }

    /// `a, b,,c` → `[a, b, c]`, without repeats, in the order given.
    static func list(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private static func isValidRoleName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "+=,.@_-".utf8.contains(byte)
        }
    }

    /// The SlackActionHandler verifies every click: without the signing secret it cannot.
    public func requireSigningSecret() throws(ConfigurationError) -> SecretSource {
        guard let slackSigningSecret else {
            throw .missingVariable("SLACK_SIGNING_SECRET", hint: "set SLACK_SIGNING_SECRET_PARAMETER (or SLACK_SIGNING_SECRET) to the Slack app's signing secret: without it no click can be verified")
        }
        return slackSigningSecret
    }

    /// The savings ledger's table and rule, for whoever records stops (every function that does).
    public func ledger(dynamoDB: DynamoDBClient) -> LedgerKeeping {
        LedgerKeeping(store: DynamoDBLedgerStore(dynamoDB: dynamoDB, tableName: ledgerTableName), creditWindow: creditWindow)
    }

    /// The UptimeChecker exists to tell someone: with no channel at all it would go quiet.
    public func requireAlertChannel() throws(ConfigurationError) {
        guard topicArn == nil && slackWebhook == nil && teamsWebhook == nil && routesParameter == nil && slackBotToken == nil else { return }
        throw .missingVariable("TOPIC_ARN", hint: "set TOPIC_ARN, SLACK_WEBHOOK_URL or SLACK_WEBHOOK_PARAMETER, TEAMS_WEBHOOK_URL or TEAMS_WEBHOOK_PARAMETER, or ROUTES_PARAMETER: with none of them, nobody hears about long-running instances")
    }

    private static func isValidTableName(_ name: String) -> Bool {
        (3...255).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
