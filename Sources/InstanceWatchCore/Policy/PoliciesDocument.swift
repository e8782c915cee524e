import FoundationEssentials
import AWS
import Support

/// Rules per account and organisational unit: the policies document an operator writes (JSON, kept
/// in the SSM SecureString that `POLICIES_PARAMETER` names). docs/configuration.md, "Policies", has
/// a complete example.
///
/// ```json
/// {"default":             {"threshold": "6h", "alertOn": "uptime", "autoStop": "off"},
///  "organizationalUnits": {"ou-ab12-sandbox1": {"threshold": "8h", "autoStop": "on", "stopAfter": "12h"}},
///  "accounts":            {"111111111111": {"threshold": "off"}}}
/// ```
///
/// Read like the routes document: unknown keys, wrong types, bad durations, account ids and OU ids
/// are refused at start with their place, so a typo (`stopAfer`) never leaves a sandbox running
/// for months. Values are never repeated in an error: the document is a SecureString, and whatever
/// its author put in it stays there.
public struct PoliciesDocument: Sendable, Equatable {
    public var defaultSettings: PolicySettings?
    /// OU id → its settings.
    public var organizationalUnits: [String: PolicySettings] = [:]
    /// Account id → its settings.
    public var accounts: [String: PolicySettings] = [:]

    public init(defaultSettings: PolicySettings? = nil, organizationalUnits: [String: PolicySettings] = [:], accounts: [String: PolicySettings] = [:]) {
        self.defaultSettings = defaultSettings
        self.organizationalUnits = organizationalUnits
        self.accounts = accounts
    }

    /// What is wrong with a document, and where (`organizationalUnits.ou-ab12-sandbox1.stopAfter`).
    public typealias Problem = DocumentProblem

    /// The settings of every place the document names, in no particular order.
    public var everyPlace: [PolicySettings] {
        [defaultSettings].compactMap { $0 } + Array(organizationalUnits.values) + Array(accounts.values)
    }

    static let topKeys = "default, organizationalUnits or accounts"

    public static func parse(_ text: String) throws(Problem) -> PoliciesDocument {
        let document = try SettingsDocument.json(text)
        var policies = PoliciesDocument()
        for (key, value) in try object(document, at: "the top") {
            switch key {
            case "default":
                policies.defaultSettings = try settings(value, at: "default")
            case "organizationalUnits":
                for (id, value) in try object(value, at: key) {
                    guard isOrganizationalUnitId(id) else {
                        throw Problem(place: "\(key).\(id.prefix(64))", problem: "expected an OU id such as ou-ab12-34cd56ef as the key (a root, r-…, is what default is for)")
                    }
                    policies.organizationalUnits[id] = try settings(value, at: "\(key).\(id)")
                }
            case "accounts":
                for (id, value) in try object(value, at: key) {
                    guard AccountRegion.isAccountId(id) else { throw Problem(place: "\(key).\(id.prefix(64))", problem: "expected a 12-digit account id as the key") }
                    policies.accounts[id] = try settings(value, at: "\(key).\(id)")
                }
            default:
                throw Problem(place: String(key.prefix(64)), problem: "unknown key (expected \(topKeys))")
            }
        }
        return policies
    }

    /// `ou-` then 4 to 32 lower-case letters or digits (the root's), `-`, then 8 to 32 more: the
    /// form Organizations gives its OU ids.
    public static func isOrganizationalUnitId(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        func isPart(_ part: Substring, _ lengths: ClosedRange<Int>) -> Bool {
            lengths.contains(part.utf8.count) && part.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        return parts.count == 3 && parts[0] == "ou" && isPart(parts[1], 4...32) && isPart(parts[2], 8...32)
    }

    private static func object(_ value: JSONDocument, at place: String) throws(Problem) -> [(key: String, value: JSONDocument)] {
        try SettingsDocument.object(value, at: place)
    }

    private static func settings(_ value: JSONDocument, at place: String) throws(Problem) -> PolicySettings {
        var settings = PolicySettings()
        for (key, field) in try object(value, at: place) {
            let at = "\(place).\(key.prefix(64))"
            guard PolicySettings.keys.contains(key) else {
                throw Problem(place: at, problem: "unknown key (expected \(PolicySettings.keys.joined(separator: ", ")))")
            }
            guard case .string(let raw) = field else { throw Problem(place: at, problem: "expected a string, found \(field.kindDescription)") }
            let text = raw.trimmingWhitespace()
            switch key {
            case "threshold":
                if text.lowercased() == "off" {
                    settings.threshold = .off
                } else if let seconds = DurationSetting.seconds(from: text), seconds > 0 {
                    settings.threshold = .after(seconds: seconds)
                } else {
                    throw Problem(place: at, problem: "expected off or \(DurationSetting.expectedForm), above 0")
                }
            case "alertOn":
                guard let alertOn = FunctionConfiguration.AlertOn(rawValue: text.lowercased()) else { throw Problem(place: at, problem: "expected uptime or idle") }
                settings.alertOn = alertOn
            case "autoStop":
                guard let autoStop = FunctionConfiguration.AutoStop(rawValue: text.lowercased()) else { throw Problem(place: at, problem: "expected off, dry-run or on") }
                settings.autoStop = autoStop
            case "stopAfter":
                guard let seconds = DurationSetting.seconds(from: text), seconds > 0 else { throw Problem(place: at, problem: "expected \(DurationSetting.expectedForm)") }
                guard seconds >= UptimePolicy.minimumStopAfter else {
                    throw Problem(place: at, problem: "is under 1h, the shortest stop-after there is (a typo such as 1m for a month is more likely than a wish)")
                }
                settings.stopAfter = seconds
            default:
                guard let managed = FunctionConfiguration.ManagedInstancesPolicy(rawValue: text.lowercased()) else { throw Problem(place: at, problem: "expected skip or alert") }
                settings.managedInstances = managed
            }
        }
        return settings
    }
}

extension PoliciesDocument {
    /// The document in the SSM SecureString `parameter` names, read and checked once per cold start.
    /// A bad one stops the function at start, naming the parameter and the place in the document.
    public static func read(ssm: SSMClient, parameter: String, deadline: Date) throws -> PoliciesDocument {
        let text = try ssm.getParameter(name: parameter, withDecryption: true, deadline: deadline)
        do {
            return try parse(text)
        } catch {
            throw ConfigurationError.invalidValue(variable: "POLICIES_PARAMETER", value: parameter,
                                                  expected: "a parameter holding a policies document (docs/configuration.md, \"Policies\"); its value, \(error)")
        }
    }
}
