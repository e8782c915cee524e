import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Reads AWS's SigV4 test suites in place from `Tests/Fixtures/sigv4-test-suite` (sources and
/// licences in `Tests/Fixtures/README.md`).
enum SigV4TestSuite {
    static let root = TestPaths.fixtures.appendingPathComponent("sigv4-test-suite")
    static let suiteCredentials = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160) // 2015-08-30T12:36:00Z

    /// The aws-c-auth v4 cases that sign with a header (all of them; presigning is not needed).
    static var awsCAuthCases: [String] {
        TestPaths.subdirectories(of: root.appendingPathComponent("aws-c-auth-v4"))
    }

    /// The classic cases, as paths relative to the botocore folder (`normalize-path/get-slash`).
    static var classicCases: [String] {
        let base = root.appendingPathComponent("botocore-aws4_testsuite")
        let enumerator = FileManager.default.enumerator(atPath: base.path)
        var cases: [String] = []
        while let item = enumerator?.nextObject() as? String {
            guard item.hasSuffix(".req") else { continue }
            cases.append((item as NSString).deletingLastPathComponent)
        }
        return cases.sorted()
    }

    static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    /// smithy-rs wrote some expected outputs with a final line feed that is not part of the value.
    static func readSmithyExpectation(_ url: URL) throws -> String {
        let text = try read(url)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// The classic session-token case takes its token from the credentials (see the suite's README).
    static func classicCredentials(for caseName: String) -> AWSCredentials {
        guard caseName == "get-vanilla-with-session-token" else { return suiteCredentials }
        return AWSCredentials(
            accessKeyId: suiteCredentials.accessKeyId, secretAccessKey: suiteCredentials.secretAccessKey,
            sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        )
    }

    /// Parses the suite's raw HTTP/1.1 text: the target may contain a raw space (split on the first and
    /// last space), a header line starting with whitespace continues the previous one (obs-fold), and
    /// the body follows the first blank line with no trailing line feed.
    static func parseRequest(_ text: String) -> SigV4Request {
        let (head, body): (Substring, Substring)
        if let blank = text.range(of: "\n\n") {
            (head, body) = (text[..<blank.lowerBound], text[blank.upperBound...])
        } else {
            (head, body) = (Substring(text.hasSuffix("\n") ? String(text.dropLast()) : text), "")
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst()
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        let (path, query): (String, String)
        if let question = target.firstIndex(of: "?") {
            (path, query) = (String(target[..<question]), String(target[target.index(after: question)...]))
        } else {
            (path, query) = (target, "")
        }
        var fields: [(String, String)] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                fields[fields.count - 1].1 += "\n" + line
            } else {
                let colon = line.firstIndex(of: ":")!
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        return SigV4Request(method: method, path: path, query: query, headers: HTTPHeaders(fields), body: Array(body.utf8))
    }

    /// A signed request's headers as sorted `name:value` lines, for comparing without caring about order.
    static func headerLines(_ headers: HTTPHeaders) -> [String] {
        headers.fields.map { "\($0.name.lowercased()):\($0.value)" }.sorted()
    }

    struct Context: Decodable {
        struct Credentials: Decodable {
            let access_key_id: String
            let secret_access_key: String
            let token: String?
        }
        let credentials: Credentials
        let region: String
        let service: String
        let timestamp: String
        let normalize: Bool
        let sign_body: Bool
        let omit_session_token: Bool?

        func signer() -> SigV4Signer {
            var signer = SigV4Signer(
                credentials: AWSCredentials(
                    accessKeyId: credentials.access_key_id, secretAccessKey: credentials.secret_access_key,
                    sessionToken: credentials.token
                ),
                region: region, service: service
            )
            signer.normalizesPath = normalize
            signer.addsContentHashHeader = sign_body
            signer.omitsSessionTokenFromSignature = omit_session_token ?? false
            return signer
        }

        var date: Date { UTCDateTime.parse(timestamp)!.date }
    }
}
