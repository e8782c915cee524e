import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("AWS environment: credentials, region, endpoints")
struct AWSEnvironmentTests {
    let base = ["AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "SECRET-MARKER", "AWS_REGION": "eu-west-1"]

    @Test("credentials, session token and region come from the standard variables")
    func readsStandardVariables() throws {
        var environment = base
        environment["AWS_SESSION_TOKEN"] = "TOKEN-MARKER"
        let aws = try AWSEnvironment.fromEnvironment(environment)
        #expect(aws.credentials == AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "SECRET-MARKER", sessionToken: "TOKEN-MARKER"))
        #expect(aws.region == "eu-west-1")
    }

    @Test("an empty session token counts as none")
    func emptySessionToken() throws {
        var environment = base
        environment["AWS_SESSION_TOKEN"] = ""
        #expect(try AWSEnvironment.fromEnvironment(environment).credentials.sessionToken == nil)
    }

    @Test("AWS_REGION wins over AWS_DEFAULT_REGION, which is used when AWS_REGION is missing")
    func regionPrecedence() throws {
        var environment = base
        environment["AWS_DEFAULT_REGION"] = "us-east-2"
        #expect(try AWSEnvironment.fromEnvironment(environment).region == "eu-west-1")
        environment["AWS_REGION"] = nil
        #expect(try AWSEnvironment.fromEnvironment(environment).region == "us-east-2")
    }

    @Test("each missing variable is named in the error", arguments: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"])
    func missingVariableIsNamed(_ variable: String) {
        var environment = base
        environment[variable] = nil
        #expect {
            _ = try AWSEnvironment.fromEnvironment(environment)
        } throws: { error in
            guard case ConfigurationError.missingVariable(let name, _) = error else { return false }
            return name == variable && "\(error)".contains(variable)
        }
    }

    @Test("endpoints: the per-service variable, then AWS_ENDPOINT_URL, then the public regional endpoint")
    func endpointPrecedence() throws {
        var environment = base
        #expect(try AWSEnvironment.fromEnvironment(environment).endpoint(for: .dynamoDB).absoluteString == "https://dynamodb.eu-west-1.amazonaws.com/")
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000"
        environment["AWS_ENDPOINT_URL_SNS"] = "http://127.0.0.1:6000"
        let aws = try AWSEnvironment.fromEnvironment(environment)
        #expect(aws.endpoint(for: .sns).absoluteString == "http://127.0.0.1:6000")
        for service in [AWSService.dynamoDB, .ec2, .ssm] {
            #expect(aws.endpoint(for: service).absoluteString == "http://127.0.0.1:5000")
        }
    }

    @Test("the per-service variables are the SDKs' names", arguments: [
        (AWSService.dynamoDB, "AWS_ENDPOINT_URL_DYNAMODB"), (.sns, "AWS_ENDPOINT_URL_SNS"),
        (.ec2, "AWS_ENDPOINT_URL_EC2"), (.ssm, "AWS_ENDPOINT_URL_SSM"),
    ])
    func endpointVariableNames(_ service: AWSService, _ variable: String) throws {
        var environment = base
        environment[variable] = "http://localhost:9999"
        #expect(service.endpointVariable == variable)
        #expect(try AWSEnvironment.fromEnvironment(environment).endpoint(for: service).absoluteString == "http://localhost:9999")
    }

    @Test("a malformed endpoint or region is rejected, naming the variable")
    func rejectsMalformedValues() {
        var environment = base
        environment["AWS_ENDPOINT_URL_EC2"] = "ftp://x"
        #expect(throws: ConfigurationError.invalidValue(variable: "AWS_ENDPOINT_URL_EC2", value: "ftp://x", expected: "an http or https URL")) {
            _ = try AWSEnvironment.fromEnvironment(environment)
        }
        environment = base
        environment["AWS_REGION"] = "eu west 1"
        #expect(throws: ConfigurationError.self) { _ = try AWSEnvironment.fromEnvironment(environment) }
    }

    @Test("China regions use the amazonaws.com.cn domain")
    func chinaDomain() throws {
        var environment = base
        environment["AWS_REGION"] = "cn-north-1"
        #expect(try AWSEnvironment.fromEnvironment(environment).endpoint(for: .ec2).absoluteString == "https://ec2.cn-north-1.amazonaws.com.cn/")
    }

    @Test("printing credentials never shows the secret or the token")
    func credentialsAreRedacted() {
        let credentials = AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "SECRET-MARKER", sessionToken: "TOKEN-MARKER")
        for text in ["\(credentials)", String(describing: credentials), String(reflecting: credentials), "\([credentials])"] {
            #expect(!text.contains("SECRET-MARKER") && !text.contains("TOKEN-MARKER"), "leaked in: \(text)")
            #expect(text.contains("AKIDTEST"))
        }
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("SECRET-MARKER") && !dumped.contains("TOKEN-MARKER"), "leaked in dump: \(dumped)")
    }
}
