import FoundationEssentials
import CurlHTTP
import Support

/// A plain-text e-mail for `SESClient.sendEmail`.
public struct SESEmail: Sendable, Equatable {
    /// A verified SES identity (the address, or an address of a verified domain).
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String

    public init(from: String, to: [String], subject: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Amazon SES over its query protocol (version 2010-12-01), answers in XML: `SendEmail` and `SendRawEmail`.
public final class SESClient {
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// Sends one e-mail (UTF-8 subject and text body) and returns SES's message id.
    public func sendEmail(_ email: SESEmail, deadline: Date? = nil) throws(AWSClientError) -> String {
        var parameters = [("Source", email.from)]
        for (index, address) in email.to.enumerated() { parameters.append(("Destination.ToAddresses.member.\(index + 1)", address)) }
        parameters += [
            ("Message.Subject.Data", email.subject), ("Message.Subject.Charset", "UTF-8"),
            ("Message.Body.Text.Data", email.body), ("Message.Body.Text.Charset", "UTF-8"),
        ]
        let answer = try aws.callQuery(.ses, action: "SendEmail", version: "2010-12-01", parameters: parameters, deadline: deadline)
        guard let id = answer.firstDescendant("MessageId")?.text, !id.isEmpty else {
            throw .malformedResponse(service: .ses, operation: "SendEmail", reason: "no MessageId in the answer")
        }
        return id
    }

    /// Sends a whole MIME message (headers and parts, CRLF line ends) and returns SES's message id.
    public func sendRawEmail(_ message: String, from: String, to: [String], deadline: Date? = nil) throws(AWSClientError) -> String {
        var parameters = [("Source", from)]
        for (index, address) in to.enumerated() { parameters.append(("Destinations.member.\(index + 1)", address)) }
        // The blob travels base64-encoded in the query, as the SDKs send it.
        parameters.append(("RawMessage.Data", Data(message.utf8).base64EncodedString()))
        let answer = try aws.callQuery(.ses, action: "SendRawEmail", version: "2010-12-01", parameters: parameters, deadline: deadline)
        guard let id = answer.firstDescendant("MessageId")?.text, !id.isEmpty else {
            throw .malformedResponse(service: .ses, operation: "SendRawEmail", reason: "no MessageId in the answer")
        }
        return id
    }
}
