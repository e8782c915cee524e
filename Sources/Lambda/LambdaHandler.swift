import FoundationEssentials
import CurlHTTP
import Support

/// The business of one function: an event's bytes in, a JSON-encodable answer out.
/// A thrown error becomes the invocation's error; the loop goes on to the next invocation.
public protocol LambdaHandler {
    associatedtype Output: Encodable
    /// The CloudWatch metrics (Embedded Metric Format) every invocation reports, zero when untouched;
    /// the handler adds to them through `context.metrics`.
    static var metricNames: [String] { get }
    func handle(_ event: Data, context: LambdaContext) throws -> Output
}

extension LambdaHandler {
    public static var metricNames: [String] { [] }
}

/// An error that names its own Lambda `errorType` (e.g. `MalformedEvent`); others use their Swift type name.
public protocol LambdaReportableError: Error {
    var errorType: String { get }
}
