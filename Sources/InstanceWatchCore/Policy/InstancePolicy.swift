/// The settings that apply to one instance, each taken from the first place that has it (the
/// instance's tag, its account, its nearest OU and that OU's parents, `default`, the environment),
/// and where the deciding ones came from.
public struct InstancePolicy: Sendable, Equatable {
    /// How long it may run, and from where (the policy alerts and the result name).
    public var limit: UptimePolicy.Limit
    public var alertOn: FunctionConfiguration.AlertOn
    public var autoStop: FunctionConfiguration.AutoStop
    public var managedInstances: FunctionConfiguration.ManagedInstancesPolicy
    /// Seconds after which it is stopped (where `autoStop` allows), and from where: its own tag, or
    /// a place in the policies document (a policy stop, which the member's IAM must allow).
    public var stopAfter: Int?
    public var stopAfterSource: PolicySource?
    /// Set when no stop may be made for it this run, and why: its account's OUs could not be read,
    /// and an OU rule it could not see might forbid the stop.
    public var stopsWithheld: String?

    public init(limit: UptimePolicy.Limit, alertOn: FunctionConfiguration.AlertOn = .uptime, autoStop: FunctionConfiguration.AutoStop = .off,
                managedInstances: FunctionConfiguration.ManagedInstancesPolicy = .skip, stopAfter: Int? = nil, stopAfterSource: PolicySource? = nil) {
        self.limit = limit
        self.alertOn = alertOn
        self.autoStop = autoStop
        self.managedInstances = managedInstances
        self.stopAfter = stopAfter
        self.stopAfterSource = stopAfterSource
    }

    /// The policy that applied, as alerts and the result name it: where its limit came from.
    public var source: PolicySource { limit.source }

    /// A stop the policies document asks for, not the instance's own tag.
    public var isPolicyStop: Bool { stopAfterSource?.isDocument ?? false }
}
