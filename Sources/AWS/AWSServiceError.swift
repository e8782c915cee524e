import FoundationEssentials
import CurlHTTP
import Support

/// What an AWS service answered when it refused a call: the service, the operation, the HTTP status,
/// the error code and message, and the request id to quote to AWS support.
public struct AWSServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    public let service: AWSService
    public let operation: String
    public let status: Int
    public let code: String
    public let message: String
    public let requestId: String?

    public init(service: AWSService, operation: String, status: Int, code: String, message: String, requestId: String?) {
        self.service = service
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.requestId = requestId
    }

    public var description: String {
        var text = "\(service.displayName) \(operation) failed: HTTP \(status) \(code)"
        if !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " (request id \(requestId))" }
        return text
    }

    /// Codes AWS uses to say "slow down" (the SDKs' list, as each service spells it).
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// Codes for a failure on AWS's side that a later attempt may not meet.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "InternalServerError",
        "ServiceUnavailable", "ServiceUnavailableException",
    ]

    public var isThrottling: Bool { Self.throttlingCodes.contains(code) || status == 429 }

    /// Throttling, 5xx and transient codes are worth another attempt; any other 4xx is the caller's mistake.
    public var isRetryable: Bool { isThrottling || status >= 500 || Self.transientCodes.contains(code) }

    /// The signature or key was refused (the message says which).
    public var isAuthenticationFailure: Bool {
        ["SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure", "UnrecognizedClientException",
         "InvalidClientTokenId", "IncompleteSignature", "MissingAuthenticationToken"].contains(code)
    }

    /// EC2's answer for an instance id it does not know (terminated long ago, or never existed).
    public var isInstanceNotFound: Bool { code == "InvalidInstanceID.NotFound" || code == "InvalidInstanceID.Malformed" }

    /// Reads the error from a response, whatever its form: JSON protocols put the code in `__type`
    /// (or the `x-amzn-ErrorType` header), query protocols in `<Error><Code>`; and some endpoints answer
    /// a JSON client's bad signature in XML. Anything else still yields the status and a short excerpt.
    public static func parse(_ response: HTTPResponse, service: AWSService, operation: String) -> AWSServiceError {
        var code: String?
        var message: String?
        var requestId = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        let body = response.body
        let firstByte = body.first { ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains($0) }
        if firstByte == UInt8(ascii: "{"), let json = try? JSONDecoder().decode(JSONErrorBody.self, from: body) {
            code = json.type.map(normalizedCode)
            message = json.message ?? json.Message
        } else if firstByte == UInt8(ascii: "<"), let root = try? XMLElement.parse(body) {
            let error = root.firstDescendant("Error")
            code = error?.string("Code")
            message = error?.string("Message")
            requestId = requestId ?? root.firstDescendant("RequestId")?.text ?? root.firstDescendant("RequestID")?.text
        }
        if code == nil, let header = response.headers["x-amzn-ErrorType"] {
            code = normalizedCode(header)
        }
        if message == nil, firstByte != nil, firstByte != UInt8(ascii: "{"), firstByte != UInt8(ascii: "<") {
            message = String(decoding: body.prefix(200), as: UTF8.self)
        }
        return AWSServiceError(
            service: service, operation: operation, status: response.status,
            code: code ?? "HTTP\(response.status)", message: message ?? "", requestId: requestId
        )
    }

    /// `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` and
    /// `ValidationException:http://internal.amazon.com/…` both mean the part that names the error.
    static func normalizedCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }

    private struct JSONErrorBody: Decodable {
        let type: String?
        let message: String?
        let Message: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type", message, Message
        }
    }
}
