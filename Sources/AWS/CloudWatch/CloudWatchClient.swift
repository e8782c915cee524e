import FoundationEssentials
import CurlHTTP
import Support

/// One metric series asked of `GetMetricData`: a metric of a namespace with its dimensions, one
/// statistic over periods of `periodSeconds`.
public struct MetricQuery: Sendable, Equatable {
    /// Unique in one call; starts with a lower-case letter (CloudWatch's rule).
    public var id: String
    public var namespace: String
    public var metricName: String
    public var dimensions: [(name: String, value: String)]
    /// `Maximum`, `Sum`, `Average`…
    public var statistic: String
    public var periodSeconds: Int

    public init(id: String, namespace: String, metricName: String, dimensions: [(name: String, value: String)], statistic: String, periodSeconds: Int) {
        self.id = id
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.statistic = statistic
        self.periodSeconds = periodSeconds
    }

    public static func == (lhs: MetricQuery, rhs: MetricQuery) -> Bool {
        lhs.id == rhs.id && lhs.namespace == rhs.namespace && lhs.metricName == rhs.metricName && lhs.statistic == rhs.statistic
            && lhs.periodSeconds == rhs.periodSeconds && lhs.dimensions.map(\.name) == rhs.dimensions.map(\.name)
            && lhs.dimensions.map(\.value) == rhs.dimensions.map(\.value)
    }
}

/// A series' datapoints: each period's start and value.
public struct MetricSeries: Sendable, Equatable {
    public var timestamps: [UTCDateTime]
    public var values: [Double]
}

/// CloudWatch over its query protocol (version 2010-08-01), answers in XML: the protocol both AWS
/// and moto's server take.
public final class CloudWatchClient {
    /// CloudWatch takes at most 500 queries a call, and answers at most 100,800 datapoints a call.
    public static let maximumQueries = 500
    public static let maximumDatapoints = 100_800
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// The datapoints of every query between `start` and `end`, by query id, every page.
    public func metricData(_ queries: [MetricQuery], start: UTCDateTime, end: UTCDateTime, deadline: Date?) throws(AWSClientError) -> [String: MetricSeries] {
        guard queries.count <= Self.maximumQueries else {
            throw .invalidRequest(service: .cloudWatch, operation: "GetMetricData", reason: "\(queries.count) queries; at most \(Self.maximumQueries) a call")
        }
        var parameters: [(String, String)] = [("StartTime", start.extendedISO8601), ("EndTime", end.extendedISO8601), ("ScanBy", "TimestampAscending")]
        for (index, query) in queries.enumerated() {
            let prefix = "MetricDataQueries.member.\(index + 1)"
            parameters += [
                ("\(prefix).Id", query.id), ("\(prefix).ReturnData", "true"),
                ("\(prefix).MetricStat.Metric.Namespace", query.namespace), ("\(prefix).MetricStat.Metric.MetricName", query.metricName),
                ("\(prefix).MetricStat.Period", String(query.periodSeconds)), ("\(prefix).MetricStat.Stat", query.statistic),
            ]
            for (dimensionIndex, dimension) in query.dimensions.enumerated() {
                parameters += [("\(prefix).MetricStat.Metric.Dimensions.member.\(dimensionIndex + 1).Name", dimension.name),
                               ("\(prefix).MetricStat.Metric.Dimensions.member.\(dimensionIndex + 1).Value", dimension.value)]
            }
        }
        var series: [String: MetricSeries] = [:]
        var nextToken: String?
        repeat {
            var page = parameters
            if let nextToken { page.append(("NextToken", nextToken)) }
            let answer = try aws.callQuery(.cloudWatch, action: "GetMetricData", version: "2010-08-01", parameters: page, deadline: deadline)
            let result = answer.child("GetMetricDataResult") ?? answer
            for member in result.child("MetricDataResults")?.children("member") ?? [] {
                guard let id = member.string("Id") else { continue }
                let timestamps = (member.child("Timestamps")?.children("member") ?? []).compactMap { UTCDateTime.parse($0.text.trimmingWhitespace()) }
                let values = (member.child("Values")?.children("member") ?? []).compactMap { Double($0.text.trimmingWhitespace()) }
                guard timestamps.count == values.count else {
                    throw .malformedResponse(service: .cloudWatch, operation: "GetMetricData", reason: "\(id): \(timestamps.count) timestamps for \(values.count) values")
                }
                var current = series[id] ?? MetricSeries(timestamps: [], values: [])
                current.timestamps += timestamps
                current.values += values
                series[id] = current
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return series
    }
}
