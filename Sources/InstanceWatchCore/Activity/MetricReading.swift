import FoundationEssentials
import AWS
import Support

/// CloudWatch's metrics, as the checker's activity step reads them (through the fleet, in each
/// account and region); the seam tests use.
public protocol MetricReading {
    func metricData(_ queries: [MetricQuery], start: UTCDateTime, end: UTCDateTime, deadline: Date?) throws(AWSClientError) -> [String: MetricSeries]
}

extension CloudWatchClient: MetricReading {}
