import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The Runtime API emulator (`Tests/Peers/runtime_api_emulator.py`) and its test-side calls.
final class RuntimeEmulator: @unchecked Sendable {
    let peer: LocalPeer
    fileprivate let control = CurlHTTPClient()

    init(timeoutMilliseconds: Int = 30_000, maximumResponseBytes: Int? = nil) throws {
        var arguments = ["--timeout-ms", String(timeoutMilliseconds)]
        if let maximumResponseBytes { arguments += ["--max-response-bytes", String(maximumResponseBytes)] }
        peer = try LocalPeer(script: "runtime_api_emulator.py", arguments: arguments)
    }

    /// What `AWS_LAMBDA_RUNTIME_API` is set to.
    var hostAndPort: String { "127.0.0.1:\(peer.port)" }

    struct Result: Decodable {
        let requestId: String
        let kind: String
        let body: String
        let errorTypeHeader: String?
        let contentType: String?
        let deadline: String
        /// Seconds since the epoch, by the emulator's clock.
        let answeredAt: Double

        /// Whether the answer arrived before the deadline the invocation was issued with.
        var answeredInTime: Bool { Double(deadline).map { answeredAt * 1000 < $0 } ?? true }

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
        }
    }

    struct InitError: Decodable {
        let errorTypeHeader: String?
        let body: String
    }

    @discardableResult
    func invoke(_ event: String, headers: [String: String] = [:]) throws -> String {
        var request = HTTPRequest(method: .post, url: URL(string: "\(peer.baseURL)/test/invoke")!, body: Data(event.utf8))
        for (name, value) in headers { request.headers.add(name, value) }
        let response = try control.send(request)
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: String]
        return object?["requestId"] ?? ""
    }

    /// Queues an answer of `status` to the next `next` (500 ends the runtime's loop).
    func answerNext(withStatus status: Int) throws {
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: "\(peer.baseURL)/test/next-status")!, body: Data("{\"status\":\(status)}".utf8)))
    }

    func results(waitingFor count: Int = 0, timeoutMilliseconds: Int = 10_000) throws -> [Result] {
        let url = URL(string: "\(peer.baseURL)/test/results?count=\(count)&timeoutMs=\(timeoutMilliseconds)")!
        return try JSONDecoder().decode([Result].self, from: control.send(HTTPRequest(method: .get, url: url, timeout: .after(.seconds(60)))).body)
    }

    func initError() throws -> InitError? {
        try JSONDecoder().decode(InitError?.self, from: control.send(HTTPRequest(method: .get, url: URL(string: "\(peer.baseURL)/test/init-error")!)).body)
    }

    func stats() throws -> (runtimeConnections: Int, nextCalls: Int) {
        let body = try control.send(HTTPRequest(method: .get, url: URL(string: "\(peer.baseURL)/test/stats")!)).body
        let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        return (object["runtimeConnections"] as? Int ?? -1, object["nextCalls"] as? Int ?? -1)
    }

    /// A runtime loop client pointed at this emulator.
    func apiClient(http: any HTTPClient = CurlHTTPClient()) -> RuntimeAPIClient {
        RuntimeAPIClient(endpoint: RuntimeAPIEndpoint(hostAndPort: hostAndPort)!, http: http)
    }
}

extension RuntimeEmulator {
    /// What one function process did with the events queued for it.
    struct Served {
        let status: Int32
        let stdout: String
        let stderr: String
        let requestIds: [String]
        let results: [Result]

        /// The answer to the `index`th event queued.
        func result(_ index: Int) -> Result? { results.first { $0.requestId == requestIds[index] } }
    }

    /// Queues events as they are, bytes that need not be JSON or UTF-8, at once; their request ids.
    func invokeMany(_ events: [Data]) throws -> [String] {
        let body = try JSONSerialization.data(withJSONObject: events.map { $0.base64EncodedString() })
        let response = try control.send(HTTPRequest(method: .post, url: URL(string: "\(peer.baseURL)/test/invoke-many?encoding=base64")!, body: body))
        return (try JSONSerialization.jsonObject(with: response.body) as? [String: [String]])?["requestIds"] ?? []
    }

    /// Queues `events`, then a 500 that ends the loop after them, and runs the executable `product`
    /// as Lambda would (the bootstrap, `AWS_LAMBDA_RUNTIME_API` pointing here) until it exits.
    func serve(_ product: String, events: [String], environment: [String: String]) throws -> Served {
        try serve(product, rawEvents: events.map { Data($0.utf8) }, environment: environment)
    }

    func serve(_ product: String, rawEvents: [Data], environment: [String: String]) throws -> Served {
        let ids = try invokeMany(rawEvents)
        try answerNext(withStatus: 500)
        let run = try runCommand(TestPaths.debugExecutable(product), [],
                                 environment: environment.merging(["PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": hostAndPort]) { $1 })
        return Served(status: run.status, stdout: run.stdout, stderr: run.stderr, requestIds: ids, results: try results(waitingFor: ids.count, timeoutMilliseconds: 1_000))
    }
}
