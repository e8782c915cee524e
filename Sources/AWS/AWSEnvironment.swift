import FoundationEssentials
import CurlHTTP
import Support

/// Credentials, region and endpoints, read from the environment the way the AWS SDKs read them.
public struct AWSEnvironment: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    private let endpointOverrides: [AWSService: URL]

    public init(credentials: AWSCredentials, region: String, endpointOverrides: [AWSService: URL] = [:]) {
        self.credentials = credentials
        self.region = region
        self.endpointOverrides = endpointOverrides
    }

    /// `AWS_REGION` (then `AWS_DEFAULT_REGION`), the credentials, and `AWS_ENDPOINT_URL` with its
    /// per-service forms, which win over it. Every error names the variable to set or fix.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> AWSEnvironment {
        let credentials = try AWSCredentials.fromEnvironment(environment)
        guard let region = [environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]]
            .compactMap({ $0 }).first(where: { !$0.isEmpty })
        else {
            throw .missingVariable("AWS_REGION", hint: "set AWS_REGION (or AWS_DEFAULT_REGION) to the region of the resources")
        }
        guard isPlausibleRegion(region) else {
            throw .invalidValue(variable: "AWS_REGION", value: region, expected: "a region name such as eu-west-1")
        }
        var overrides: [AWSService: URL] = [:]
        for service in AWSService.allCases {
            for variable in [service.endpointVariable, "AWS_ENDPOINT_URL"] {
                guard let text = environment[variable], !text.isEmpty else { continue }
                guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host() != nil else {
                    throw .invalidValue(variable: variable, value: text, expected: "an http or https URL")
                }
                overrides[service] = url
                break
            }
        }
        return AWSEnvironment(credentials: credentials, region: region, endpointOverrides: overrides)
    }

    /// The same endpoints, with other credentials and region: how a function acts in another
    /// account (a member role's credentials) or region.
    public func with(credentials: AWSCredentials? = nil, region: String? = nil) -> AWSEnvironment {
        AWSEnvironment(credentials: credentials ?? self.credentials, region: region ?? self.region, endpointOverrides: endpointOverrides)
    }

    /// The AWS partition the region belongs to, for ARNs: `aws`, `aws-cn`, `aws-us-gov`.
    public var partition: String { Self.partition(ofRegion: region) }

    public static func partition(ofRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        return "aws"
    }

    /// The URL requests to `service` go to: an override from the environment, else the public regional endpoint.
    public func endpoint(for service: AWSService) -> URL {
        if let override = endpointOverrides[service] { return override }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        if service == .pricing {
            return URL(string: "https://api.pricing.\(signingRegion(for: service)).\(suffix)/")!
        }
        if service == .organizations {
            return URL(string: "https://organizations.\(signingRegion(for: service)).\(suffix)/")!
        }
        if service == .ses {
            return URL(string: "https://email.\(region).\(suffix)/")!
        }
        return URL(string: "https://\(service.rawValue).\(region).\(suffix)/")!
    }

    /// The region a request to `service` is signed for: the function's, except for the Price List
    /// API, which answers from us-east-1 for every region (cn-northwest-1 in China), and
    /// Organizations, whose one endpoint per partition is in us-east-1 (cn-northwest-1, us-gov-west-1).
    public func signingRegion(for service: AWSService) -> String {
        switch service {
        case .pricing:
            return partition == "aws-cn" ? "cn-northwest-1" : "us-east-1"
        case .organizations:
            return partition == "aws-cn" ? "cn-northwest-1" : partition == "aws-us-gov" ? "us-gov-west-1" : "us-east-1"
        default:
            return region
        }
    }

    public func signer(for service: AWSService) -> SigV4Signer {
        SigV4Signer(credentials: credentials, region: signingRegion(for: service), service: service.signingName)
    }

    package static func isPlausibleRegion(_ region: String) -> Bool {
        !region.isEmpty && region.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}
