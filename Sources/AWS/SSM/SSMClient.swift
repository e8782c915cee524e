import FoundationEssentials
import CurlHTTP
import Support

/// SSM Parameter Store over its JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.<Operation>`).
public final class SSMClient {
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// A parameter's value, decrypted when it is a SecureString. The value may be a secret: callers
    /// must not log it.
    public func getParameter(name: String, withDecryption: Bool = true, deadline: Date? = nil) throws(AWSClientError) -> String {
        struct Input: Encodable {
            let Name: String
            let WithDecryption: Bool
        }
        struct Output: Decodable {
            struct Parameter: Decodable { let Value: String? }
            let Parameter: Parameter?
        }
        let output: Output = try aws.callJSON(
            .ssm, targetPrefix: "AmazonSSM", jsonVersion: "1.1", operation: "GetParameter",
            input: Input(Name: name, WithDecryption: withDecryption), deadline: deadline
        )
        guard let value = output.Parameter?.Value else {
            throw .malformedResponse(service: .ssm, operation: "GetParameter", reason: "no Parameter.Value in the answer for \(name)")
        }
        return value
    }
}
