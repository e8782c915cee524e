import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// The EC2 events instance-watch acts on, read from an EventBridge event; anything else is `.other`.
public enum EC2Event: Sendable, Equatable {
    case stateChange(StateChange)
    case spotInterruptionWarning(InterruptionWarning)
    case rebalanceRecommendation(InterruptionWarning)
    case other(source: String, detailType: String)

    public static let stateChangeType = "EC2 Instance State-change Notification"
    public static let spotInterruptionType = "EC2 Spot Instance Interruption Warning"
    public static let rebalanceType = "EC2 Instance Rebalance Recommendation"

    /// An `EC2 Instance State-change Notification`.
    public struct StateChange: Sendable, Equatable {
        public let instanceId: String
        public let state: InstanceState
        public let time: UTCDateTime
        public let account: String
        public let region: String

        public init(instanceId: String, state: InstanceState, time: UTCDateTime, account: String, region: String) {
            self.instanceId = instanceId
            self.state = state
            self.time = time
            self.account = account
            self.region = region
        }
    }

    /// A Spot interruption warning (`action` is terminate, stop or hibernate) or a rebalance
    /// recommendation (no action).
    public struct InterruptionWarning: Sendable, Equatable {
        public let instanceId: String
        public let action: String?
        public let time: UTCDateTime
        public let account: String
        public let region: String
    }

    /// Classifies an event. An EC2 event of a handled type with a missing or wrong field is an error
    /// naming the field; an event of another source or type is `.other`, not an error.
    public static func parse(_ data: Data) throws(MalformedEvent) -> EC2Event {
        let envelope = try EventBridgeEvent.decode(data)
        guard envelope.source == "aws.ec2" else { return .other(source: envelope.source, detailType: envelope.detailType) }
        switch envelope.detailType {
        case stateChangeType:
            let instanceId = try envelope.detail.string("instance-id")
            let stateName = try envelope.detail.string("state")
            guard let state = InstanceState(rawValue: stateName) else {
                throw MalformedEvent(field: "detail.state", problem: "\"\(stateName.clipped())\" is not an EC2 instance state")
            }
            return .stateChange(StateChange(
                instanceId: try validInstanceId(instanceId), state: state, time: try envelope.eventTime(),
                account: try envelope.checkedAccount(), region: try envelope.checkedRegion()
            ))
        case spotInterruptionType, rebalanceType:
            let instanceId = try envelope.detail.string("instance-id")
            let action = try envelope.detail.optionalString("instance-action")
            let warning = InterruptionWarning(
                // The warning must go out within its two minutes: an account or region of the wrong
                // shape (a sample's "<account_number>") is left out of the message, not a reason to fail.
                instanceId: try validInstanceId(instanceId), action: action?.clipped(), time: try envelope.eventTime(),
                account: (try? envelope.checkedAccount()) ?? "", region: (try? envelope.checkedRegion()) ?? ""
            )
            return envelope.detailType == spotInterruptionType ? .spotInterruptionWarning(warning) : .rebalanceRecommendation(warning)
        default:
            return .other(source: envelope.source, detailType: envelope.detailType)
        }
    }

    /// `i-` and 8 or 17 hex digits: what EC2 issues. Anything else would be written to the table as a key.
    static func validInstanceId(_ id: String) throws(MalformedEvent) -> String {
        let hex = id.utf8.dropFirst(2)
        guard id.hasPrefix("i-"), hex.count == 8 || hex.count == 17,
              hex.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else {
            throw MalformedEvent(field: "detail.instance-id", problem: "\"\(id.clipped())\" is not an EC2 instance id")
        }
        return id
    }
}

/// An EC2 instance state, in lifecycle order: at the same event time, a later state wins.
public enum InstanceState: String, Sendable, CaseIterable, Comparable {
    case pending, running, stopping, stopped
    case shuttingDown = "shutting-down"
    case terminated

    public var lifecycleRank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: InstanceState, rhs: InstanceState) -> Bool { lhs.lifecycleRank < rhs.lifecycleRank }
}
