import FoundationEssentials
import AWS
import CurlHTTP
import Support
import Synchronization

/// The table as one worker of a run reaches it: its reads and conditional writes, and the state
/// recorder the repairs go through. Each worker thread has its own (its own libcurl handle).
public struct RunTable {
    public let table: any UptimeTable
    public let recorder: any InstanceStateRecording

    public init(table: any UptimeTable, recorder: any InstanceStateRecording) {
        self.table = table
        self.recorder = recorder
    }
}

/// The one bounded pool a run's table work goes through (`CHECK_CONCURRENCY` at once, the same
/// bound as the pairs' EC2 reads): the repairs of instances missing from the table, the alerts'
/// claims and their release, the notes of what was delivered and announced. One instance's writes
/// stay conditional, so their order between instances never matters; what must be in order (a stop
/// after its claim, the announcement after the stop) stays inside one item.
public protocol RunExecutor {
    /// Runs `work` for every item, several at once, each with its worker's table; the outputs come
    /// back in the items' order.
    func map<Item: Sendable, Output: Sendable>(_ items: [Item], _ work: @Sendable (RunTable, Item) -> Output) -> [Output]
}

extension RunExecutor {
    /// One write per item, several at once; what failed, described, in the items' order (what
    /// succeeded has nothing to say).
    public func failures<Item: Sendable>(_ items: [Item], _ write: @Sendable (RunTable, Item) throws(AWSClientError) -> Void,
                                         describing describe: @Sendable (Item, AWSClientError) -> String) -> [String] {
        map(items) { table, item -> String? in
            do throws(AWSClientError) {
                try write(table, item)
                return nil
            } catch {
                return describe(item, error)
            }
        }.compactMap { $0 }
    }
}

/// Every item on its own thread of a bounded pool, each thread with a `RunTable` of its own. The
/// tables (and their libcurl handles, with their kept-alive connections) outlive the call: a worker
/// borrows one and gives it back when its thread ends, so a run's several phases, and the next
/// warm invocation, reuse the same connections instead of opening new ones each time.
public struct PooledRunExecutor: RunExecutor {
    let concurrency: Int
    let makeTable: @Sendable () -> RunTable
    private let idle = IdleTables()

    public init(concurrency: Int, makeTable: @escaping @Sendable () -> RunTable) {
        self.concurrency = concurrency
        self.makeTable = makeTable
    }

    /// The tables no worker holds now. Each is used by one thread at a time: taken, used, given back.
    private final class IdleTables: Sendable {
        /// A table in the idle list, passed between threads only through it (one holder at a time).
        private final class Held: @unchecked Sendable {
            let table: RunTable
            init(_ table: RunTable) { self.table = table }
        }
        private let tables = Mutex<[Held]>([])
        func take() -> RunTable? { tables.withLock { $0.popLast() }?.table }
        func giveBack(_ table: RunTable) {
            let held = Held(table)
            tables.withLock { $0.append(held) }
        }
    }

    /// A worker's borrowed table, given back when the worker's thread is done with it.
    private final class Lease {
        let table: RunTable
        private let idle: IdleTables
        init(_ table: RunTable, from idle: IdleTables) {
            self.table = table
            self.idle = idle
        }
        deinit { idle.giveBack(table) }
    }

    /// Workers on the DynamoDB tables of `environment`, each with its own libcurl handle; repairs
    /// keep the savings ledger as the StateChangeHandler does.
    public static func dynamoDB(_ environment: AWSEnvironment, configuration: FunctionConfiguration, concurrency: Int,
                                httpConfiguration: CurlHTTPClient.Configuration) -> PooledRunExecutor {
        PooledRunExecutor(concurrency: concurrency) {
            let dynamoDB = DynamoDBClient(aws: AWSClient(environment: environment, http: CurlHTTPClient(configuration: httpConfiguration)))
            return RunTable(table: DynamoDBUptimeTable(dynamoDB: dynamoDB, tableName: configuration.tableName),
                            recorder: DynamoDBInstanceStateRecorder(dynamoDB: dynamoDB, tableName: configuration.tableName, ledger: configuration.ledger(dynamoDB: dynamoDB)))
        }
    }

    public func map<Item: Sendable, Output: Sendable>(_ items: [Item], _ work: @Sendable (RunTable, Item) -> Output) -> [Output] {
        let idle = self.idle, makeTable = self.makeTable
        return WorkerPool.map(items, workers: concurrency, makeState: { Lease(idle.take() ?? makeTable(), from: idle) }) { lease, item in
            work(lease.table, item)
        }
    }
}

/// One item after another on the calling thread, with one table: for a run with nothing to
/// overlap, and for tests with fakes.
public struct SerialRunExecutor: RunExecutor {
    let table: RunTable

    public init(_ table: RunTable) {
        self.table = table
    }

    public func map<Item: Sendable, Output: Sendable>(_ items: [Item], _ work: @Sendable (RunTable, Item) -> Output) -> [Output] {
        items.map { work(table, $0) }
    }
}
