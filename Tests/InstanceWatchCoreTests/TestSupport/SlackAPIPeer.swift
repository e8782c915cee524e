import Foundation
@testable import CurlHTTP

/// The local Slack (`Tests/Peers/slack_api_peer.py`): `chat.postMessage` for a bot token it knows,
/// and response URLs; it keeps every request for the test to read.
final class SlackAPIPeer: @unchecked Sendable {
    static let token = "xoxb-test-token"
    let peer: LocalPeer
    private let control = CurlHTTPClient()

    init() throws {
        peer = try LocalPeer(script: "slack_api_peer.py")
    }

    var apiURL: String { peer.baseURL + "/api" }

    /// A response_url of this peer, as Slack puts one in each interaction.
    func responseURL(_ id: String) -> String { peer.baseURL + "/response/\(id)" }

    struct Request {
        let path: String
        let authorization: String?
        let body: [String: Any]
    }

    func requests() throws -> [Request] {
        let body = try control.send(HTTPRequest(method: .get, url: URL(string: "\(peer.baseURL)/test/requests")!)).body
        return ((try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []).map { request in
            Request(path: request["path"] as? String ?? "", authorization: (request["headers"] as? [String: String])?["authorization"],
                    body: request["body"] as? [String: Any] ?? [:])
        }
    }

    func posts() throws -> [Request] { try requests().filter { $0.path == "/api/chat.postMessage" } }
}
