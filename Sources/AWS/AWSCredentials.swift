import CurlHTTP
import Support
/// An access key pair and optional session token. Printing one never shows the secret or the token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` as the SDKs do
    /// (Lambda sets all three for the function's role).
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> AWSCredentials {
        guard let accessKeyId = environment["AWS_ACCESS_KEY_ID"], !accessKeyId.isEmpty else {
            throw .missingVariable("AWS_ACCESS_KEY_ID", hint: "AWS credentials are read from the environment")
        }
        guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw .missingVariable("AWS_SECRET_ACCESS_KEY", hint: "AWS credentials are read from the environment")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token)
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "none" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": accessKeyId, "secretAccessKey": "<redacted>"])
    }
}
