import FoundationEssentials

/// CloudWatch's Embedded Metric Format: a log line that is a JSON object whose `_aws` member says
/// which of its top-level members are metrics. CloudWatch Logs extracts the metrics from the
/// function's log group, so publishing them costs no API call and no permission beyond logging.
public enum EmbeddedMetricFormat {
    public static let namespace = "InstanceWatch"
    public static let dimension = "FunctionName"

    /// One line (newline-terminated): `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":
    /// "InstanceWatch","Dimensions":[["FunctionName"]],"Metrics":[{"Name":…,"Unit":"Count"},…]}]},
    /// "FunctionName":…,"<metric>":<value>,…}`. Encoded as values, never by pasting JSON text.
    public static func line(functionName: String, metrics: [(name: String, value: Double)], at date: Date) -> String {
        let document = Document(
            aws: .init(
                timestamp: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)),
                cloudWatchMetrics: [.init(
                    namespace: namespace, dimensions: [[dimension]],
                    metrics: metrics.map { .init(name: $0.name, unit: "Count") }
                )]
            ),
            functionName: functionName, values: metrics
        )
        let data = (try? JSONEncoder.lambda.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct Document: Encodable {
        struct Metadata: Encodable {
            let timestamp: Int64
            let cloudWatchMetrics: [Directive]

            enum CodingKeys: String, CodingKey {
                case timestamp = "Timestamp", cloudWatchMetrics = "CloudWatchMetrics"
            }
        }

        struct Directive: Encodable {
            let namespace: String
            let dimensions: [[String]]
            let metrics: [Definition]

            enum CodingKeys: String, CodingKey {
                case namespace = "Namespace", dimensions = "Dimensions", metrics = "Metrics"
            }
        }

        struct Definition: Encodable {
            let name: String
            let unit: String

            enum CodingKeys: String, CodingKey {
                case name = "Name", unit = "Unit"
            }
        }

        let aws: Metadata
        let functionName: String
        let values: [(name: String, value: Double)]

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(aws, forKey: Key("_aws"))
            try container.encode(functionName, forKey: Key(EmbeddedMetricFormat.dimension))
            for (name, value) in values {
                // Whole counts print as integers (7, not 7.0).
                if value == value.rounded(), abs(value) < 1e15 {
                    try container.encode(Int64(value), forKey: Key(name))
                } else {
                    try container.encode(value, forKey: Key(name))
                }
            }
        }
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
