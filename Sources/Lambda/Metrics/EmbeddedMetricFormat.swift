import FoundationEssentials
import CurlHTTP
import Support

/// CloudWatch's Embedded Metric Format: a log line that is a JSON object whose `_aws` member says
/// which of its top-level members are metrics. CloudWatch Logs extracts the metrics from the
/// function's log group, so publishing them costs no API call and no permission beyond logging.
public enum EmbeddedMetricFormat {
    public static let namespace = "InstanceWatch"
    public static let dimension = "FunctionName"

    /// One line (newline-terminated): `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":
    /// "InstanceWatch","Dimensions":[["FunctionName"]],"Metrics":[{"Name":…,"Unit":"Count"},…]}]},
    /// "FunctionName":…,"<metric>":<value>,…}`. Written with `JSONWriter` (every invocation writes one).
    public static func line(functionName: String, metrics: [(name: String, value: Double)], at date: Date) -> String {
        var writer = JSONWriter(capacity: 160 + 48 * metrics.count)
        writer.beginObject()
        writer.key("_aws")
        writer.beginObject()
        writer.key("Timestamp")
        writer.integer(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        writer.key("CloudWatchMetrics")
        writer.beginArray()
        writer.beginObject()
        writer.member("Namespace", namespace)
        writer.key("Dimensions")
        writer.beginArray()
        writer.beginArray()
        writer.string(dimension)
        writer.endArray()
        writer.endArray()
        writer.key("Metrics")
        writer.beginArray()
        for metric in metrics {
            writer.beginObject()
            writer.member("Name", metric.name)
            writer.member("Unit", "Count")
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.member(dimension, functionName)
        for metric in metrics {
            writer.key(metric.name)
            writer.number(metric.value)
        }
        writer.endObject()
        return writer.text + "\n"
    }
}

/// Writes an invocation's metrics after it ends, whatever its outcome.
public struct MetricsEmitter: Sendable {
    /// Lambda's name for the function (`AWS_LAMBDA_FUNCTION_NAME`), which the template's alarms name.
    public let functionName: String
    let sink: LogSink
    let clock: @Sendable () -> Date

    public init(functionName: String, sink: LogSink, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.functionName = functionName
        self.sink = sink
        self.clock = clock
    }

    public func emit(_ metrics: InvocationMetrics) {
        guard !metrics.names.isEmpty else { return }
        sink.write(EmbeddedMetricFormat.line(functionName: functionName, metrics: metrics.snapshot, at: clock()))
    }
}
