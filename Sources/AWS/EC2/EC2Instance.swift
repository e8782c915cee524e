import CurlHTTP
import Support
/// An instance as `DescribeInstances` describes it, with what instance-watch reads of it.
public struct EC2Instance: Sendable, Equatable {
    public var id: String
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down` or `terminated`.
    public var state: String
    public var type: String?
    public var availabilityZone: String?
    public var privateIPAddress: String?
    /// When the instance last started, as EC2 reports it (`2026-11-21T08:00:00.000Z`).
    public var launchTime: String?
    /// `spot` for a Spot instance, nil for On-Demand.
    public var lifecycle: String?
    public var tags: [String: String]

    public init(id: String, state: String, type: String? = nil, availabilityZone: String? = nil, privateIPAddress: String? = nil,
                launchTime: String? = nil, lifecycle: String? = nil, tags: [String: String] = [:]) {
        self.id = id
        self.state = state
        self.type = type
        self.availabilityZone = availabilityZone
        self.privateIPAddress = privateIPAddress
        self.launchTime = launchTime
        self.lifecycle = lifecycle
        self.tags = tags
    }

    public var name: String? { tags["Name"] }
    public var isSpot: Bool { lifecycle == "spot" }

    /// Reads one `instancesSet/item` of a DescribeInstances answer.
    init?(xml item: XMLElement) {
        guard let id = item.string("instanceId"), let state = item.string("instanceState", "name") else { return nil }
        var tags: [String: String] = [:]
        for tag in item.child("tagSet")?.children("item") ?? [] {
            if let key = tag.string("key") { tags[key] = tag.string("value") ?? "" }
        }
        self.init(
            id: id, state: state, type: item.string("instanceType"), availabilityZone: item.string("placement", "availabilityZone"),
            privateIPAddress: item.string("privateIpAddress").flatMap { $0.isEmpty ? nil : $0 }, launchTime: item.string("launchTime"),
            lifecycle: item.string("instanceLifecycle"), tags: tags
        )
    }
}
