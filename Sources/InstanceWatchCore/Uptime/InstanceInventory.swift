import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// What the UptimeChecker asks EC2: the running instances, with their tags and launch times, and the
/// current state of particular instances.
public protocol InstanceInventory {
    func runningInstances(deadline: Date?) throws(AWSClientError) -> [EC2Instance]
    /// The instances EC2 knows among `ids`; an unknown id is simply absent (not an error).
    func instances(ids: [String], deadline: Date?) throws(AWSClientError) -> [EC2Instance]
}

extension EC2Client: InstanceInventory {
    /// EC2 takes up to 200 values in one filter.
    static let filterValuesPerCall = 200

    public func runningInstances(deadline: Date?) throws(AWSClientError) -> [EC2Instance] {
        try describeInstances(filters: ["instance-state-name": ["running"]], pageSize: 1000, deadline: deadline)
    }

    /// By an `instance-id` filter rather than `InstanceId.N`, which fails the whole call on one unknown id.
    public func instances(ids: [String], deadline: Date?) throws(AWSClientError) -> [EC2Instance] {
        var found: [EC2Instance] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + Self.filterValuesPerCall, ids.count)])
            start += chunk.count
            found += try describeInstances(filters: ["instance-id": chunk], deadline: deadline)
        }
        return found
    }
}
