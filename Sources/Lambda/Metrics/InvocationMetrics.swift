import Synchronization
import CurlHTTP
import Support

/// The figures one invocation adds up, written afterwards as one Embedded Metric Format line.
/// Every metric the function declares starts at zero, so a quiet invocation still reports its
/// zeros: CloudWatch then sees "nothing happened" rather than "no data", which alarms tell apart.
public final class InvocationMetrics: Sendable {
    private let values: Mutex<[String: Double]>
    /// The function's metric names, in the order the line lists them.
    public let names: [String]

    public init(names: [String]) {
        self.names = names
        values = Mutex(Dictionary(names.map { ($0, 0) }) { first, _ in first })
    }

    /// Adds to a declared metric. An invocation that declared none (a handler driven by a test, or
    /// by a runtime that reports no metrics) keeps nothing: only declared names are ever reported.
    public func count(_ name: String, by amount: Int = 1) {
        values.withLock { values in
            if let current = values[name] { values[name] = current + Double(amount) }
        }
    }

    public func set(_ name: String, to value: Int) {
        set(name, to: Double(value))
    }

    /// A figure that is not a count (dollars).
    public func set(_ name: String, to value: Double) {
        values.withLock { values in
            if values[name] != nil { values[name] = value }
        }
    }

    public subscript(name: String) -> Double? {
        values.withLock { $0[name] }
    }

    /// Each declared metric with its value, in declaration order.
    public var snapshot: [(name: String, value: Double)] {
        values.withLock { values in names.map { ($0, values[$0] ?? 0) } }
    }
}
