import FoundationEssentials
import CurlHTTP
import Support

/// The body Lambda expects for an error, and the `Lambda-Runtime-Function-Error-Type` header value
/// (`Function.<Name>` for what the handler threw, `Runtime.<Name>` for what the runtime itself hit).
public struct LambdaErrorReport: Error, Sendable, Equatable, Codable {
    public enum Origin: String, Sendable {
        case function = "Function"
        case runtime = "Runtime"
    }

    public let errorType: String
    public let errorMessage: String
    public let stackTrace: [String]
    private let origin: String

    public init(origin: Origin, errorType: String, errorMessage: String) {
        self.origin = origin.rawValue
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = []
    }

    /// A report for what a handler threw: its `errorType` if it names one, else the Swift type's name.
    public init(handlerError error: any Error) {
        let type = (error as? LambdaReportableError)?.errorType ?? String(describing: Swift.type(of: error))
        self.init(origin: .function, errorType: type, errorMessage: String(describing: error))
    }

    /// A report for a failed start-up (bad configuration): `Runtime.<errorType>`.
    public init(initializationError error: any Error) {
        self.init(
            origin: .runtime, errorType: (error as? LambdaReportableError)?.errorType ?? "InitializationError",
            errorMessage: String(describing: error)
        )
    }

    public var headerValue: String { "\(origin).\(errorType)" }

    enum CodingKeys: String, CodingKey {
        case errorType, errorMessage, stackTrace
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        errorType = try container.decode(String.self, forKey: .errorType)
        errorMessage = try container.decode(String.self, forKey: .errorMessage)
        stackTrace = try container.decodeIfPresent([String].self, forKey: .stackTrace) ?? []
        origin = Origin.function.rawValue
    }

    public func jsonBody() -> Data {
        // Encoding three strings cannot fail.
        (try? JSONEncoder.lambda.encode(self)) ?? Data()
    }
}
