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

/// The savings ledger as the recorder keeps it: where items go, and how long after an alert a stop
/// by anyone counts (`CREDIT_WINDOW`).
public struct LedgerKeeping {
    public let store: any LedgerStore
    public let creditWindow: Int

    public init(store: any LedgerStore, creditWindow: Int) {
        self.store = store
        self.creditWindow = creditWindow
    }
}

public final class DynamoDBInstanceStateRecorder: InstanceStateRecording {
    private let dynamoDB: DynamoDBClient
    private let tableName: String
    /// nil: state changes only (no ledger table configured for this caller).
    private let ledger: LedgerKeeping?

    public init(dynamoDB: DynamoDBClient, tableName: String, ledger: LedgerKeeping? = nil) {
        self.dynamoDB = dynamoDB
        self.tableName = tableName
        self.ledger = ledger
    }

    /// The same write reads the record for the ledger: after a stop (its first stop and who asked
    /// for it), before a start or an end (the stop it closes). The common event costs no extra request.
    public func record(_ change: EC2Event.StateChange, deadline: Date?) throws(AWSClientError) -> TrackingAction {
        guard let update = StateTracking.update(for: change) else { return .ignored }
        let record: DynamoDBItem?
        do {
            let output = try dynamoDB.updateItem(UpdateItemInput(
                tableName: tableName, key: update.key, update: update.update, condition: update.condition,
                returnValues: ledger == nil ? nil : (change.state.isStop ? .allNew : .allOld),
                returnValuesOnConditionCheckFailure: ledger == nil ? nil : .allOld
            ), deadline: deadline)
            record = output.attributes
        } catch .conditionalCheckFailed(_, let current) {
            // Stale for the table. But a retry of this very event (the record holds it) may have
            // failed after its write: the ledger's part is done again, conditionally.
            if let ledger, let current, Self.holds(current, change) {
                try keepLedger(ledger, change, current, deadline: deadline)
            }
            return .staleIgnored
        }
        if let ledger, let record { try keepLedger(ledger, change, record, deadline: deadline) }
        return update.action
    }

    /// Whether the record's newest applied event is `change` itself.
    static func holds(_ record: DynamoDBItem, _ change: EC2Event.StateChange) -> Bool {
        record["last_event_time"]?.stringValue == change.time.extendedISO8601 && record["state"]?.stringValue == change.state.rawValue
    }

    /// A stop the product takes credit for opens its item; the start or end after it closes it.
    /// - Parameter record: after a stop, the record as written; before a start or end, as it was.
    ///   On a retry, the record as the first attempt left it: a start has forgotten which stop it
    ///   ended then, and the weekly report closes that item from the record's start time.
    private func keepLedger(_ ledger: LedgerKeeping, _ change: EC2Event.StateChange, _ record: DynamoDBItem, deadline: Date?) throws(AWSClientError) {
        switch change.state {
        case .stopping, .stopped:
            guard let item = StopCredit.item(record: record, instanceId: change.instanceId, stoppedAt: change.time, window: ledger.creditWindow) else { return }
            try ledger.store.open(item, deadline: deadline)
        case .running, .shuttingDown, .terminated:
            guard let stop = StopCredit.stopToClose(record: record, window: ledger.creditWindow) else { return }
            try ledger.store.close(instanceId: change.instanceId, stoppedAt: stop, change.state == .running ? .restarted : .ended, at: change.time, deadline: deadline)
        case .pending:
            return
        }
    }
}

extension InstanceState {
    /// `stopping` or `stopped`: the instance stopped, and may run again.
    var isStop: Bool { self == .stopping || self == .stopped }
}
