import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("SigV4 signer")
struct SigV4SignerTests {
    @Test("the aws-c-auth v4 suite is all there (38 header-signing cases)")
    func awsCAuthSuiteIsComplete() {
        #expect(SigV4TestSuite.awsCAuthCases.count == 38, "expected 38 cases in \(SigV4TestSuite.root.path)/aws-c-auth-v4")
    }

    @Test("the classic botocore suite is all there (34 cases)")
    func classicSuiteIsComplete() {
        #expect(SigV4TestSuite.classicCases.count == 34, "expected 34 cases in \(SigV4TestSuite.root.path)/botocore-aws4_testsuite")
    }

    @Test("aws-c-auth v4 case: canonical request, string to sign, signature, signed request", arguments: SigV4TestSuite.awsCAuthCases)
    func awsCAuthCase(_ name: String) throws {
        let folder = SigV4TestSuite.root.appendingPathComponent("aws-c-auth-v4").appendingPathComponent(name)
        let context = try JSONDecoder().decode(
            SigV4TestSuite.Context.self, from: Data(contentsOf: folder.appendingPathComponent("context.json"))
        )
        var request = SigV4TestSuite.parseRequest(try SigV4TestSuite.read(folder.appendingPathComponent("request.txt")))
        let result = context.signer().sign(&request, at: context.date)

        #expect(result.canonicalRequest == (try SigV4TestSuite.read(folder.appendingPathComponent("header-canonical-request.txt"))))
        #expect(result.stringToSign == (try SigV4TestSuite.read(folder.appendingPathComponent("header-string-to-sign.txt"))))
        #expect(result.signature == (try SigV4TestSuite.read(folder.appendingPathComponent("header-signature.txt"))))
        let expected = SigV4TestSuite.parseRequest(try SigV4TestSuite.read(folder.appendingPathComponent("header-signed-request.txt")))
        #expect(SigV4TestSuite.headerLines(request.headers) == SigV4TestSuite.headerLines(expected.headers))
        #expect(request.body == expected.body)
    }

    @Test("classic AWS suite case (botocore copy): canonical request, string to sign, Authorization", arguments: SigV4TestSuite.classicCases)
    func classicCase(_ relativePath: String) throws {
        let folder = SigV4TestSuite.root.appendingPathComponent("botocore-aws4_testsuite").appendingPathComponent(relativePath)
        let name = folder.lastPathComponent
        func file(_ suffix: String) throws -> String {
            try SigV4TestSuite.read(folder.appendingPathComponent("\(name).\(suffix)"))
        }
        var request = SigV4TestSuite.parseRequest(try file("req"))
        // The classic requests already carry X-Amz-Date; the signer adds it from the injected clock.
        request.headers.remove("X-Amz-Date")
        // post-sts-header-before carries its token as a plain header to sign; only the session-token case
        // takes it from the credentials.
        let signer = SigV4Signer(credentials: SigV4TestSuite.classicCredentials(for: name), region: "us-east-1", service: "service")
        let result = signer.sign(&request, at: SigV4TestSuite.suiteDate)

        #expect(result.canonicalRequest == (try file("creq")))
        #expect(result.stringToSign == (try file("sts")))
        #expect(result.authorization == (try file("authz")))
    }

    @Test("smithy-rs: an already-encoded Lambda path is encoded again (%3A → %253A)")
    func doubleURLEncode() throws {
        let folder = SigV4TestSuite.root.appendingPathComponent("smithy-rs-extra/double-url-encode")
        var request = SigV4TestSuite.parseRequest(try SigV4TestSuite.read(folder.appendingPathComponent("request.txt")))
        request.headers.remove("X-Amz-Date")
        let signer = SigV4Signer(credentials: SigV4TestSuite.suiteCredentials, region: "us-east-2", service: "lambda")
        let result = signer.sign(&request, at: UTCDateTime.parse("2021-05-11T15:40:45Z")!.date)
        #expect(result.canonicalRequest == (try SigV4TestSuite.readSmithyExpectation(folder.appendingPathComponent("header-canonical-request.txt"))))
        #expect(result.stringToSign == (try SigV4TestSuite.readSmithyExpectation(folder.appendingPathComponent("header-string-to-sign.txt"))))
    }

    @Test("smithy-rs: an API Gateway path with %3D is double-encoded in the canonical request")
    func doubleEncodePath() throws {
        let folder = SigV4TestSuite.root.appendingPathComponent("smithy-rs-extra/double-encode-path")
        var request = SigV4TestSuite.parseRequest(try SigV4TestSuite.read(folder.appendingPathComponent("request.txt")))
        request.headers.remove("X-Amz-Date")
        let signer = SigV4Signer(credentials: SigV4TestSuite.suiteCredentials, region: "us-east-1", service: "execute-api")
        let result = signer.sign(&request, at: UTCDateTime.parse("2021-05-11T15:40:45Z")!.date)
        #expect(result.canonicalRequest == (try SigV4TestSuite.readSmithyExpectation(folder.appendingPathComponent("header-canonical-request.txt"))))
    }

    @Test("smithy-rs: an encoded plus in a query key stays %2B")
    func queryPlus() throws {
        let folder = SigV4TestSuite.root.appendingPathComponent("smithy-rs-extra/get-query-plus")
        let context = try JSONDecoder().decode(
            SigV4TestSuite.Context.self, from: Data(contentsOf: folder.appendingPathComponent("context.json"))
        )
        var request = SigV4TestSuite.parseRequest(try SigV4TestSuite.read(folder.appendingPathComponent("request.txt")))
        let result = context.signer().sign(&request, at: context.date)
        #expect(result.canonicalRequest == (try SigV4TestSuite.readSmithyExpectation(folder.appendingPathComponent("header-canonical-request.txt"))))
        #expect(result.signature == (try SigV4TestSuite.readSmithyExpectation(folder.appendingPathComponent("header-signature.txt"))))
    }

    @Test("an HTTPRequest is signed with its Host, path and query, and the body hash")
    func signsHTTPRequest() throws {
        var request = HTTPRequest(
            method: .post, url: URL(string: "http://127.0.0.1:4566/?Action=Publish")!,
            headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data("a=b".utf8)
        )
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token"),
            region: "eu-west-1", service: "sns"
        )
        let result = signer.sign(&request, at: SigV4TestSuite.suiteDate)
        #expect(request.headers["Host"] == "127.0.0.1:4566")
        #expect(request.headers["X-Amz-Security-Token"] == "token")
        #expect(request.headers["Authorization"] == result.authorization)
        #expect(result.canonicalRequest.hasPrefix("POST\n/\nAction=Publish\ncontent-type:application/x-www-form-urlencoded\nhost:127.0.0.1:4566\n"))
        #expect(result.authorization.contains("Credential=AKID/20150830/eu-west-1/sns/aws4_request"))
        #expect(!result.authorization.contains("secret"))
    }

    @Test("the same input and clock give the same signature; another second gives another")
    func deterministic() {
        let signer = SigV4Signer(credentials: SigV4TestSuite.suiteCredentials, region: "us-east-1", service: "service")
        let make = { SigV4Request(method: "GET", path: "/", headers: ["Host": "example.amazonaws.com"]) }
        var first = make(), second = make(), later = make()
        let a = signer.sign(&first, at: SigV4TestSuite.suiteDate)
        let b = signer.sign(&second, at: SigV4TestSuite.suiteDate)
        let c = signer.sign(&later, at: SigV4TestSuite.suiteDate.addingTimeInterval(1))
        #expect(a == b)
        #expect(a.signature != c.signature)
    }
}
