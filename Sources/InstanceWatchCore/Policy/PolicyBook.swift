/// The run's rules: the policies document (if any), what Organizations said of each account's OUs,
/// and the function's variables underneath. Resolves one instance's settings from values only.
public struct PolicyBook: Sendable, Equatable {
    public var document: PoliciesDocument?
    public var environment: PolicySettings
    public var membership: OrganizationMembership

    public init(document: PoliciesDocument? = nil, environment: PolicySettings, membership: OrganizationMembership = OrganizationMembership()) {
        self.document = document
        self.environment = environment
        self.membership = membership
    }

    /// `UPTIME_THRESHOLD` and `AUTO_STOP` alone (`on` or `off`), as the plan's tests give them.
    public static func variables(threshold: Int, autoStop: Bool) -> PolicyBook {
        PolicyBook(environment: PolicySettings(threshold: .after(seconds: threshold), alertOn: .uptime, autoStop: autoStop ? .on : .off, managedInstances: .skip))
    }

    /// Whether any place in the run could turn auto-stop on (the environment or the document).
    public var mayStop: Bool { anyPlace(autoStop: .on) || anyPlace(autoStop: .dryRun) }

    /// Whether any place sets `autoStop` to this mode (the result lists `stopped` or `wouldStop` then).
    public func anyPlace(autoStop mode: FunctionConfiguration.AutoStop) -> Bool {
        ([environment] + (document?.everyPlace ?? [])).contains { $0.autoStop == mode }
    }

    /// The document's places for an account, most specific first, the environment last.
    func places(account: String?) -> [(source: PolicySource, settings: PolicySettings)] {
        var places: [(source: PolicySource, settings: PolicySettings)] = []
        if let document {
            if let account, let settings = document.accounts[account] { places.append((.account(account), settings)) }
            if let account, let units = membership.units[account] {
                for unit in units { if let settings = document.organizationalUnits[unit] { places.append((.organizationalUnit(unit), settings)) } }
            }
            if let settings = document.defaultSettings { places.append((.default, settings)) }
        }
        places.append((.environment, environment))
        return places
    }

    /// One instance's settings. `tags` nil: EC2 could not be asked, so its tags are unknown (its
    /// account's, OUs' and default settings still apply).
    public func resolve(account: String?, tags: [String: String]?) -> (policy: InstancePolicy, problems: [String]) {
        let places = places(account: account)
        func first<Value>(_ setting: (PolicySettings) -> Value?) -> (value: Value, source: PolicySource)? {
            for place in places { if let value = setting(place.settings) { return (value, place.source) } }
            return nil
        }
        var problems: [String] = []
        let (tagLimit, tagProblem) = UptimePolicy.tagLimit(tags: tags)
        if let tagProblem { problems.append(tagProblem) }
        let limit: UptimePolicy.Limit = tagLimit ?? {
            switch first(\.threshold) {
            case (.after(let seconds), .environment)?: return .threshold(seconds: seconds)
            case (.after(let seconds), let source)?: return .policy(seconds: seconds, source: source)
            case (.off, let source)?: return .policy(seconds: nil, source: source)
            case nil: return .threshold(seconds: FunctionConfiguration.defaultUptimeThreshold)
            }
        }()
        var policy = InstancePolicy(limit: limit, alertOn: first(\.alertOn)?.value ?? .uptime, autoStop: first(\.autoStop)?.value ?? .off,
                                    managedInstances: first(\.managedInstances)?.value ?? .skip)
        if policy.autoStop != .off {
            if tags?[UptimePolicy.stopAfterTag] != nil {
                // The instance's own word wins; a malformed one opts in to nothing (never a stop on a guess).
                let (seconds, problem) = UptimePolicy.stopAfter(tags: tags)
                if let problem { problems.append(problem) }
                if let seconds { (policy.stopAfter, policy.stopAfterSource) = (seconds, .tag) }
            } else if tags != nil, let (seconds, source) = first(\.stopAfter) {
                (policy.stopAfter, policy.stopAfterSource) = (seconds, source)
            }
            if let account, let reason = membership.unreadable[account], document?.organizationalUnits.isEmpty == false {
                policy.stopsWithheld = "its account's OUs could not be read (\(reason)), and an OU policy might forbid the stop"
            }
        }
        return (policy, problems)
    }
}
