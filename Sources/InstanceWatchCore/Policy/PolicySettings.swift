/// One place's settings in the policies document (`default`, an OU, an account): each optional,
/// since a setting a place leaves out is taken from the next place down (`PolicyBook`).
public struct PolicySettings: Sendable, Equatable {
    /// How long an instance may run before alerts, or `off` (no alerts).
    public enum Threshold: Sendable, Equatable {
        case after(seconds: Int)
        case off
    }

    public var threshold: Threshold?
    public var alertOn: FunctionConfiguration.AlertOn?
    public var autoStop: FunctionConfiguration.AutoStop?
    /// Instances without their own `instance-watch:stop-after` tag stop after this long, where
    /// `autoStop` allows (and IAM: the member's `AllowPolicyStops`).
    public var stopAfter: Int?
    public var managedInstances: FunctionConfiguration.ManagedInstancesPolicy?

    public init(threshold: Threshold? = nil, alertOn: FunctionConfiguration.AlertOn? = nil, autoStop: FunctionConfiguration.AutoStop? = nil,
                stopAfter: Int? = nil, managedInstances: FunctionConfiguration.ManagedInstancesPolicy? = nil) {
        self.threshold = threshold
        self.alertOn = alertOn
        self.autoStop = autoStop
        self.stopAfter = stopAfter
        self.managedInstances = managedInstances
    }

    /// The settings' names, as the document spells them.
    public static let keys = ["threshold", "alertOn", "autoStop", "stopAfter", "managedInstances"]

    /// The function's own variables, the last place every setting is taken from.
    public static func environment(_ configuration: FunctionConfiguration) -> PolicySettings {
        PolicySettings(threshold: .after(seconds: configuration.uptimeThreshold), alertOn: configuration.alertOn,
                       autoStop: configuration.autoStop, managedInstances: configuration.managedInstances)
    }
}
