import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// Finds an instance's details (Name tag, private IP, type, zone) for an alert, in the account and
/// region the event came from.
public protocol InstanceLookingUp {
    /// The instance as EC2 describes it, or nil when EC2 does not know it. `account` is the event's
    /// (nil when it is not a readable account id); `ownAccountHint` the function's own, from its ARN.
    func instance(id: String, account: String?, region: String, ownAccountHint: String?, deadline: Date?) throws -> EC2Instance?
}
