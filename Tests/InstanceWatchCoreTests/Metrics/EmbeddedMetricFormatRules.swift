import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// CloudWatch's Embedded Metric Format specification, as checks on one log line: what CloudWatch
/// Logs needs to extract metrics from it. Written from the specification, not from our encoder,
/// so that the encoder is tested against the format rather than against itself.
enum EmbeddedMetricFormatRules {
    /// The units CloudWatch accepts (`StandardUnit`).
    static let units: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]

    struct Extracted: Equatable {
        var namespace: String
        var dimensions: [String: String]
        var values: [String: Double]
    }

    /// What is wrong with `line` as an EMF document (empty when nothing is), and the metrics
    /// CloudWatch would extract from it.
    static func check(_ line: String) -> (problems: [String], extracted: [Extracted]) {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)) else {
            return (["not a JSON object"], [])
        }
        guard case .object(let aws)? = root["_aws"] else { return (["no _aws object"], []) }
        var problems: [String] = []
        if case .number(let timestamp)? = aws["Timestamp"], timestamp > 1_000_000_000_000 {} else {
            problems.append("_aws.Timestamp is not a number of milliseconds since the epoch")
        }
        guard case .array(let list)? = aws["CloudWatchMetrics"], !list.isEmpty else {
            return (problems + ["_aws.CloudWatchMetrics is not a non-empty array of objects"], [])
        }
        let directives = list.compactMap { value -> [String: JSONValue]? in if case .object(let o) = value { return o } else { return nil } }
        if directives.count != list.count { problems.append("_aws.CloudWatchMetrics holds something that is not an object") }
        var extracted: [Extracted] = []
        for (index, directive) in directives.enumerated() {
            let at = "CloudWatchMetrics[\(index)]"
            guard case .string(let namespace)? = directive["Namespace"], (1...255).contains(namespace.count) else {
                problems.append("\(at).Namespace is not a string of 1 to 255 characters"); continue
            }
            guard case .array(let dimensionSets)? = directive["Dimensions"] else {
                problems.append("\(at).Dimensions is not an array of arrays of strings"); continue
            }
            var dimensions: [String: String] = [:]
            for set in dimensionSets {
                guard case .array(let names) = set else { problems.append("\(at): a dimension set is not an array"); continue }
                if names.count > 30 { problems.append("\(at): a dimension set of more than 30") }
                for name in names {
                    guard case .string(let name) = name else { problems.append("\(at): a dimension name is not a string"); continue }
                    guard case .string(let value)? = root[name] else {
                        problems.append("\(at): dimension \(name) is not a string member of the root"); continue
                    }
                    dimensions[name] = value
                }
            }
            guard case .array(let metrics)? = directive["Metrics"], (1...100).contains(metrics.count) else {
                problems.append("\(at).Metrics is not an array of 1 to 100 objects"); continue
            }
            var values: [String: Double] = [:]
            for metric in metrics {
                guard case .object(let metric) = metric, case .string(let name)? = metric["Name"], (1...1024).contains(name.count) else {
                    problems.append("\(at): a metric without a Name"); continue
                }
                if let unit = metric["Unit"] {
                    guard case .string(let unit) = unit else { problems.append("\(name): its unit is not a string"); continue }
                    guard units.contains(unit) else { problems.append("\(name): unit \(unit) is not one of CloudWatch's"); continue }
                }
                guard case .number(let value)? = root[name] else {
                    problems.append("\(name) is not a number at the top level"); continue
                }
                values[name] = value
            }
            extracted.append(Extracted(namespace: namespace, dimensions: dimensions, values: values))
        }
        return (problems, extracted)
    }

    /// The lines of `output` that declare themselves EMF (a JSON object with `_aws`).
    static func lines(in output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{") && $0.contains("\"_aws\"") }
    }
}

/// Any JSON value, told apart exactly (a boolean is not a number), for checking formats.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
