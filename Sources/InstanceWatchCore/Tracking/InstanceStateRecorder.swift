import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// Records state changes in the table: one conditional UpdateItem per event, so the table, not a
/// read before the write, decides whether the event is newer than what it holds.
public protocol InstanceStateRecording {
    /// The action taken: the record's update, or `staleIgnored` when the event did not supersede it.
    func record(_ change: EC2Event.StateChange, deadline: Date?) throws(AWSClientError) -> TrackingAction
}

public final class DynamoDBInstanceStateRecorder: InstanceStateRecording {
    private let dynamoDB: DynamoDBClient
    private let tableName: String

    public init(dynamoDB: DynamoDBClient, tableName: String) {
        self.dynamoDB = dynamoDB
        self.tableName = tableName
    }

    public func record(_ change: EC2Event.StateChange, deadline: Date?) throws(AWSClientError) -> TrackingAction {
        guard let update = StateTracking.update(for: change) else { return .ignored }
        do {
            try dynamoDB.updateItem(UpdateItemInput(tableName: tableName, key: update.key, update: update.update, condition: update.condition), deadline: deadline)
            return update.action
        } catch .conditionalCheckFailed {
            return .staleIgnored
        }
    }
}
