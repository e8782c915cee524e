import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The fault-injecting server (`Tests/Peers/fault_server.py`): scripted answers, recorded attempts.
/// Given an upstream (`host:port`), it is a proxy that passes everything on except the faults scripted.
final class FaultServer: @unchecked Sendable {
    let peer: LocalPeer
    private let control = CurlHTTPClient()

    /// - Parameter serialize: forward one request at a time, so conditional writes behave as atomically
    ///   as DynamoDB's even though moto's server evaluates a condition and writes without a lock.
    init(upstream: String? = nil, serialize: Bool = false) throws {
        peer = try LocalPeer(script: "fault_server.py", arguments: (upstream.map { ["--upstream", $0] } ?? []) + (serialize ? ["--serialize"] : []))
    }

    /// With an upstream EC2: its answers say instances launched `seconds` earlier than they did
    /// (`instances` gives some their own age).
    func age(seconds: Int, instances: [String: Int] = [:]) throws {
        let body = try JSONSerialization.data(withJSONObject: ["seconds": seconds, "instances": instances] as [String: Any])
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: "\(endpoint)/test/age")!, body: body))
    }

    var endpoint: String { peer.baseURL }

    func script(_ steps: [[String: Any]]) throws {
        let body = try JSONSerialization.data(withJSONObject: steps)
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: "\(endpoint)/test/script")!, body: body))
    }

    /// Forgets every queued step, those that answer always included.
    func clear() throws {
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: "\(endpoint)/test/clear")!, body: Data("{}".utf8)))
    }

    func setDefault(_ step: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: step)
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: "\(endpoint)/test/default")!, body: body))
    }

    struct Attempt: Decodable {
        let method: String
        let path: String
        let headers: [String: String]
        let body: String
    }

    func attempts() throws -> [Attempt] {
        let response = try control.send(HTTPRequest(method: .get, url: URL(string: "\(endpoint)/test/requests")!))
        return try JSONDecoder().decode([Attempt].self, from: response.body)
    }

    /// An AWS environment whose every service endpoint is this server.
    func environment() throws -> AWSEnvironment {
        try AWSEnvironment.fromEnvironment([
            "AWS_ACCESS_KEY_ID": "AKIDFAULT", "AWS_SECRET_ACCESS_KEY": "fault-secret", "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": endpoint,
        ])
    }
}
