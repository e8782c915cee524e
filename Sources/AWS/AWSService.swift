import CurlHTTP
import Support
/// The AWS services instance-watch calls, with what their requests need: the signing name and
/// the suffix of the per-service endpoint variable (`AWS_ENDPOINT_URL_DYNAMODB`).
public enum AWSService: String, Sendable, CaseIterable {
    case dynamoDB = "dynamodb"
    case sns
    case ec2
    case ssm
    case sts
    /// The Price List Query API (`GetProducts`): one endpoint for the world, in a few regions.
    case pricing
    /// CloudWatch's metrics (`GetMetricData`), whose endpoint and signing name are `monitoring`.
    case cloudWatch = "monitoring"
    /// Amazon SES (`SendEmail`), signed as `ses`, whose query endpoint is `email.<region>`.
    case ses
    /// AWS Organizations (`ListParents`): one endpoint for the partition, in us-east-1 for `aws`.
    case organizations

    public var signingName: String { rawValue }

    /// The service id the SDKs turn into `AWS_ENDPOINT_URL_<ID>` (`CLOUDWATCH`, not `MONITORING`).
    public var endpointVariable: String { "AWS_ENDPOINT_URL_" + (self == .cloudWatch ? "CLOUDWATCH" : rawValue.uppercased()) }

    public var displayName: String {
        switch self {
        case .dynamoDB: return "DynamoDB"
        case .sns: return "SNS"
        case .ec2: return "EC2"
        case .ssm: return "SSM"
        case .sts: return "STS"
        case .pricing: return "Pricing"
        case .cloudWatch: return "CloudWatch"
        case .ses: return "SES"
        case .organizations: return "Organizations"
        }
    }
}
