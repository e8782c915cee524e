import FoundationEssentials
import CurlHTTP
import Support

extension AWSClient {
    /// The client a function uses: credentials, region and endpoints from the environment, and one
    /// libcurl handle for all its calls.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> AWSClient {
        AWSClient(environment: try AWSEnvironment.fromEnvironment(environment), http: CurlHTTPClient(configuration: .fromEnvironment(environment)))
    }
}
