import FoundationEssentials
import CurlHTTP
import Support

/// Temporary credentials from `AssumeRole`, and when they stop working.
public struct AssumedRoleCredentials: Sendable, Equatable, CustomStringConvertible {
    public let credentials: AWSCredentials
    public let expiration: UTCDateTime

    public var description: String { "\(credentials) until \(expiration.extendedISO8601)" }
}

/// STS over its query protocol (version 2011-06-15), at the regional endpoint of the function's
/// region (the SDKs' default since 2022: no dependency on us-east-1, lower latency).
public final class STSClient {
    public static let version = "2011-06-15"
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// Credentials of `roleArn` for `durationSeconds` (15 minutes to the role's maximum session).
    /// The answer holds a secret key and a session token: never log it (its description does not show them).
    public func assumeRole(roleArn: String, sessionName: String, durationSeconds: Int = 3600, deadline: Date? = nil) throws(AWSClientError) -> AssumedRoleCredentials {
        let answer = try aws.callQuery(.sts, action: "AssumeRole", version: Self.version, parameters: [
            ("RoleArn", roleArn), ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds)),
        ], deadline: deadline)
        guard let credentials = answer["AssumeRoleResult", "Credentials"],
              let keyId = credentials.string("AccessKeyId"), !keyId.isEmpty,
              let secret = credentials.string("SecretAccessKey"), !secret.isEmpty,
              let token = credentials.string("SessionToken"), !token.isEmpty,
              let expiration = credentials.string("Expiration").flatMap(UTCDateTime.parse)
        else {
            throw .malformedResponse(service: .sts, operation: "AssumeRole", reason: "no complete Credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration) in the answer")
        }
        return AssumedRoleCredentials(credentials: AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token), expiration: expiration)
    }

    /// The account (and ARN) the function's own credentials belong to. Needs no permission.
    public func callerIdentity(deadline: Date? = nil) throws(AWSClientError) -> (account: String, arn: String) {
        let answer = try aws.callQuery(.sts, action: "GetCallerIdentity", version: Self.version, parameters: [], deadline: deadline)
        guard let account = answer.string("GetCallerIdentityResult", "Account"), !account.isEmpty else {
            throw .malformedResponse(service: .sts, operation: "GetCallerIdentity", reason: "no Account in the answer")
        }
        return (account, answer.string("GetCallerIdentityResult", "Arn") ?? "")
    }
}
