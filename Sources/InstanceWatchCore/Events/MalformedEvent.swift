import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// An event that cannot be what it says it is: names the field and what is wrong with it, so the
/// error in the invocation's report says exactly what to look at.
public struct MalformedEvent: LambdaReportableError, Equatable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var errorType: String { "MalformedEvent" }
    public var description: String { field.isEmpty ? "the event \(problem)" : "the event's \(field) \(problem)" }

    /// Turns a decoding failure into the field path it happened at (`detail.instance-id`).
    init(_ error: DecodingError) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacing(".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, key), problem: "is missing")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), problem: "is null where \(Self.described(type)) is expected")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), problem: "is not \(Self.described(type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(field: "", problem: "is not valid JSON")
        case .dataCorrupted(let context):
            self.init(field: path(context.codingPath), problem: context.debugDescription)
        @unknown default:
            self.init(field: "", problem: "cannot be decoded: \(error)")
        }
    }

    /// The JSON kind a decoder expected, as a message says it.
    private static func described(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is [String].Type, is [Any].Type: return "a list"
        case is Int.Type, is Double.Type: return "a number"
        case is [String: String].Type, is [String: Any].Type: return "a JSON object"
        default: return "a \(String(describing: type).lowercased())"
        }
    }
}
