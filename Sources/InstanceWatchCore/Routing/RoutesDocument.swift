import FoundationEssentials
import Support

/// Where each owner's alerts go: the routes document an operator writes (JSON, kept in the SSM
/// SecureString that `ROUTES_PARAMETER` names, since it holds webhook URLs). docs/configuration.md
/// has a complete example.
///
/// ```json
/// {"owners":   {"payments": {"slackWebhook": "https://hooks.slack.com/services/…", "slackChannel": "#payments"}},
///  "accounts": {"111111111111": "payments"},
///  "default":  {"slackWebhook": "https://hooks.slack.com/services/…"}}
/// ```
///
/// Unknown keys are refused, so a typo (`slackWebhok`) stops the function at start instead of
/// sending one team's alerts to the default channel for months.
public struct RoutesDocument: Sendable, Equatable {
    /// One place alerts go: any of a Slack webhook, a Slack channel (Slack app mode) and a Teams webhook.
    public struct Destination: Sendable, Equatable {
        public var slackWebhook: URL?
        public var slackChannel: String?
        public var teamsWebhook: URL?

        public init(slackWebhook: URL? = nil, slackChannel: String? = nil, teamsWebhook: URL? = nil) {
            self.slackWebhook = slackWebhook
            self.slackChannel = slackChannel
            self.teamsWebhook = teamsWebhook
        }

        static let keys = ["slackWebhook", "slackChannel", "teamsWebhook"]
    }

    /// Owner (lower-cased: owners are compared without regard to case) → where their alerts go.
    public var owners: [String: Destination] = [:]
    /// Account id → owner, for instances without an owner tag.
    public var accounts: [String: String] = [:]
    /// Where the rest goes; nil: the function's own `SLACK_WEBHOOK_URL`, `TEAMS_WEBHOOK_URL`, `SLACK_CHANNEL`.
    public var defaultDestination: Destination?

    public init(owners: [String: Destination] = [:], accounts: [String: String] = [:], defaultDestination: Destination? = nil) {
        self.owners = owners
        self.accounts = accounts
        self.defaultDestination = defaultDestination
    }

    /// What is wrong with a document, and where; never the value of a URL: it is a secret.
    public typealias Problem = DocumentProblem

    /// - Parameter plainHTTP: whether `http://` to loopback is taken (outside Lambda only).
    public static func parse(_ text: String, plainHTTP: WebhookURL.PlainHTTP = .loopback) throws(Problem) -> RoutesDocument {
        let document = try SettingsDocument.json(text)
        guard case .object(let members) = document else {
            throw Problem(place: "the top", problem: "expected an object with owners, accounts and default, found \(document.kindDescription)")
        }
        var routes = RoutesDocument()
        for (key, value) in members {
            switch key {
            case "owners":
                for (owner, destination) in try object(value, at: "owners") {
                    let name = owner.trimmingWhitespace()
                    guard !name.isEmpty else { throw Problem(place: "owners", problem: "an owner's name is empty") }
                    guard routes.owners[name.lowercased()] == nil else {
                        throw Problem(place: "owners.\(owner)", problem: "names the same owner as another entry (owners are compared without regard to case)")
                    }
                    routes.owners[name.lowercased()] = try Self.destination(destination, at: "owners.\(owner)", plainHTTP: plainHTTP)
                }
            case "accounts":
                for (account, owner) in try object(value, at: "accounts") {
                    guard AccountRegion.isAccountId(account) else { throw Problem(place: "accounts.\(account)", problem: "expected a 12-digit account id as the key") }
                    guard case .string(let name) = owner, !name.trimmingWhitespace().isEmpty else {
                        throw Problem(place: "accounts.\(account)", problem: "expected an owner's name (a non-empty string), found \(owner.kindDescription)")
                    }
                    routes.accounts[account] = name.trimmingWhitespace()
                }
            case "default":
                routes.defaultDestination = try Self.destination(value, at: "default", plainHTTP: plainHTTP)
            default:
                throw Problem(place: key, problem: "unknown key \"\(key)\" (expected owners, accounts or default)")
            }
        }
        // An account routed to an owner with no destination would go to the default silently: say so now.
        for (account, owner) in routes.accounts.sorted(by: { $0.key < $1.key }) where routes.owners[owner.lowercased()] == nil {
            throw Problem(place: "accounts.\(account)", problem: "routes to \"\(owner)\", which owners does not name")
        }
        return routes
    }

    private static func object(_ value: JSONDocument, at place: String) throws(Problem) -> [(key: String, value: JSONDocument)] {
        try SettingsDocument.object(value, at: place)
    }

    private static func destination(_ value: JSONDocument, at place: String, plainHTTP: WebhookURL.PlainHTTP) throws(Problem) -> Destination {
        var destination = Destination()
        for (key, field) in try object(value, at: place) {
            guard case .string(let text) = field, !text.trimmingWhitespace().isEmpty else {
                throw Problem(place: "\(place).\(key)", problem: Destination.keys.contains(key)
                    ? "expected a non-empty string, found \(field.kindDescription)"
                    : "unknown key \"\(key)\" (expected \(Destination.keys.joined(separator: ", ")))")
            }
            switch key {
            case "slackWebhook", "teamsWebhook":
                guard let url = WebhookURL.parse(text, plainHTTP: plainHTTP) else {
                    throw Problem(place: "\(place).\(key)", problem: "expected \(WebhookURL.expected) (the value is not shown: it is a secret)")
                }
                if key == "slackWebhook" { destination.slackWebhook = url } else { destination.teamsWebhook = url }
            case "slackChannel":
                destination.slackChannel = text.trimmingWhitespace()
            default:
                throw Problem(place: "\(place).\(key)", problem: "unknown key \"\(key)\" (expected \(Destination.keys.joined(separator: ", ")))")
            }
        }
        guard destination.slackWebhook != nil || destination.slackChannel != nil || destination.teamsWebhook != nil else {
            throw Problem(place: place, problem: "names no destination (expected at least one of \(Destination.keys.joined(separator: ", ")))")
        }
        return destination
    }
}
