import FoundationEssentials

/// Finds an instance's details (Name tag, private IP, type, zone) for an alert.
public protocol InstanceLookingUp {
    func instance(id: String, deadline: Date?) throws -> EC2Instance?
}

extension EC2Client: InstanceLookingUp {
    public func instance(id: String, deadline: Date?) throws -> EC2Instance? {
        try describeInstances(ids: [id], deadline: deadline).first
    }
}
