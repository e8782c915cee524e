import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("libcurl HTTP client")
struct CurlHTTPClientTests {
    private func request(_ method: HTTPMethod = .get, _ url: String, body: String = "", timeout: HTTPTimeout = .clientDefault) -> HTTPRequest {
        HTTPRequest(method: method, url: URL(string: url)!, body: Data(body.utf8), timeout: timeout)
    }

    private func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test("100 sequential requests travel over one TCP connection")
    func keepsOneConnectionAlive() throws {
        let server = try LocalPeer(script: "http_test_server.py")
        let client = CurlHTTPClient()
        for index in 0..<100 {
            let method: HTTPMethod = index.isMultiple(of: 2) ? .get : .post
            let response = try client.send(request(method, "\(server.baseURL)/echo", body: method == .post ? "n=\(index)" : ""))
            #expect(response.status == 200)
            #expect(try json(response)["connection"] as? Int == 1)
        }
        let accepted = try json(client.send(request(.get, "\(server.baseURL)/connections")))["accepted"] as? Int
        #expect(accepted == 1, "the server accepted \(accepted ?? -1) connections for 101 requests")
        #expect(client.connectionsOpened == 1)
    }

    @Test("a new client opens a new connection: the count is the server's, not a constant")
    func secondClientOpensSecondConnection() throws {
        let server = try LocalPeer(script: "http_test_server.py")
        _ = try CurlHTTPClient().send(request(.get, "\(server.baseURL)/echo"))
        let response = try CurlHTTPClient().send(request(.get, "\(server.baseURL)/connections"))
        #expect(try json(response)["accepted"] as? Int == 2)
    }

    @Test("headers and body arrive as sent, with no Expect: 100-continue")
    func sendsHeadersAndBody() throws {
        let server = try LocalPeer(script: "http_test_server.py")
        var post = request(.post, "\(server.baseURL)/echo", body: String(repeating: "a", count: 4096))
        post.headers.add("X-Amz-Target", "DynamoDB_20120810.Scan")
        post.headers.add("Content-Type", "application/x-amz-json-1.0")
        let echoed = try json(CurlHTTPClient().send(post))
        let headers = (echoed["headers"] as? [[String]] ?? []).map { ($0[0].lowercased(), $0[1]) }
        #expect(echoed["method"] as? String == "POST")
        #expect((echoed["body"] as? String)?.count == 4096)
        #expect(headers.contains { $0 == ("x-amz-target", "DynamoDB_20120810.Scan") })
        #expect(!headers.contains { $0.0 == "expect" })
    }

    @Test("statuses are returned, not thrown; requireSuccess names the host and status")
    func statusesAreReturned() throws {
        let server = try LocalPeer(script: "http_test_server.py")
        let response = try CurlHTTPClient().send(request(.get, "\(server.baseURL)/status/503"))
        #expect(response.status == 503)
        #expect(throws: HTTPClientError.unexpectedStatus(host: "127.0.0.1", status: 503)) {
            try response.requireSuccess(from: "127.0.0.1")
        }
    }

    @Test("a refused connection is a connect error naming the host, not the path")
    func connectionRefused() throws {
        let port = try freePortNobodyListensOn()
        do {
            _ = try CurlHTTPClient().send(request(.get, "http://127.0.0.1:\(port)/services/T000/B000/secret-token"))
            Issue.record("expected a connection error")
        } catch {
            guard case .connectionFailed(let host, _) = error else { Issue.record("got \(error)"); return }
            #expect(host == "127.0.0.1")
            #expect(!error.description.contains("secret-token"))
            #expect(error.isTransient)
        }
    }

    @Test("a host that does not resolve is a DNS error")
    func dnsFailure() {
        #expect {
            _ = try CurlHTTPClient().send(request(.get, "http://instance-watch.invalid/"))
        } throws: { error in
            guard case HTTPClientError.dnsFailure(let host, _) = error else { return false }
            return host == "instance-watch.invalid"
        }
    }

    @Test("a total timeout ends a slow request with a timeout error")
    func timesOut() throws {
        let server = try LocalPeer(script: "http_test_server.py")
        let started = ContinuousClock.now
        #expect(throws: HTTPClientError.timedOut(host: "127.0.0.1", after: .milliseconds(300))) {
            _ = try CurlHTTPClient().send(request(.get, "\(server.baseURL)/slow?ms=3000", timeout: .after(.milliseconds(300))))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("a response larger than the limit is refused")
    func responseLimit() throws {
        let server = try LocalPeer(script: "http_test_server.py")
        var configuration = CurlHTTPClient.Configuration()
        configuration.maximumResponseBytes = 1000
        let client = CurlHTTPClient(configuration: configuration)
        #expect(throws: HTTPClientError.responseTooLarge(host: "127.0.0.1", limit: 1000)) {
            _ = try client.send(request(.get, "\(server.baseURL)/bytes?n=5000"))
        }
        #expect(try client.send(request(.get, "\(server.baseURL)/bytes?n=1000")).body.count == 1000)
    }

    @Test("HTTPS with the test CA given through SSL_CERT_FILE is trusted; without it, rejected")
    func tlsWithTestCA() throws {
        let server = try LocalPeer(script: "http_test_server.py", arguments: ["--tls"], announcedKeys: ["CA"])
        let caFile = try #require(server.announcements["CA"])
        let url = "https://127.0.0.1:\(server.port)/echo"

        let trusting = CurlHTTPClient(configuration: .fromEnvironment(["SSL_CERT_FILE": caFile]))
        #expect(trusting.configuration.caFile == caFile)
        #expect(try trusting.send(request(.get, url)).status == 200)

        let systemOnly = CurlHTTPClient(configuration: .fromEnvironment([:]))
        #expect(systemOnly.configuration.caFile != caFile)
        #expect {
            _ = try systemOnly.send(request(.get, url))
        } throws: { error in
            guard case HTTPClientError.tlsFailure(let host, _) = error else { return false }
            return host == "127.0.0.1" && !((error as? HTTPClientError)?.isTransient ?? true)
        }
    }

    @Test("the CA file: SSL_CERT_FILE first, then Amazon Linux's, then Debian's")
    func caFileResolution() {
        let amazon = "/etc/pki/tls/certs/ca-bundle.crt", debian = "/etc/ssl/certs/ca-certificates.crt"
        #expect(CACertificateFile.resolve(environment: ["SSL_CERT_FILE": "/x.pem"], fileExists: { _ in true }) == "/x.pem")
        #expect(CACertificateFile.resolve(environment: [:], fileExists: { _ in true }) == amazon)
        #expect(CACertificateFile.resolve(environment: [:], fileExists: { $0 == debian }) == debian)
        #expect(CACertificateFile.resolve(environment: [:], fileExists: { _ in false }) == nil)
    }

    @Test("https with no CA file at all fails before any connection, and says what to set")
    func noCAFile() {
        var configuration = CurlHTTPClient.Configuration()
        configuration.caFile = nil
        #expect {
            _ = try CurlHTTPClient(configuration: configuration).send(request(.get, "https://127.0.0.1:1/"))
        } throws: { error in
            "\(error)".contains("SSL_CERT_FILE")
        }
    }

    @Test("only http and https URLs are accepted")
    func rejectsOtherSchemes() {
        #expect {
            _ = try CurlHTTPClient().send(request(.get, "file:///etc/passwd"))
        } throws: { error in
            guard case HTTPClientError.invalidURL = error else { return false }
            return true
        }
    }
}
