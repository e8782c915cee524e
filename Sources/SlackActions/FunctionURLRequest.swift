import FoundationEssentials
import InstanceWatchCore
import Support

/// A Lambda Function URL request (payload format 2.0), as far as the SlackActionHandler reads it:
/// the headers (lower-cased by Lambda), the body, and whether Lambda base64-encoded it (a form body
/// always is). The signature covers the decoded bytes.
public struct FunctionURLRequest: Decodable, Sendable {
    public var headers: [String: String]
    public var body: String?
    public var isBase64Encoded: Bool?

    public func header(_ name: String) -> String? {
        headers[name.lowercased()] ?? headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body's bytes as the client sent them; nil when a base64 body does not decode.
    public var rawBody: [UInt8]? {
        guard let body else { return [] }
        guard isBase64Encoded == true else { return Array(body.utf8) }
        return Data(base64Encoded: body).map(Array.init)
    }
}

/// What a Function URL answers: a status, headers and a body.
public struct FunctionURLResponse: Encodable, Sendable, Equatable {
    public var statusCode: Int
    public var headers: [String: String]
    public var body: String

    public static func text(_ status: Int, _ body: String) -> FunctionURLResponse {
        FunctionURLResponse(statusCode: status, headers: ["content-type": "text/plain; charset=utf-8"], body: body)
    }
}
