import Foundation
@testable import CurlHTTP

/// The local Slack (`Tests/Peers/slack_api_peer.py`): `chat.postMessage` and `chat.update` for a bot
/// token it knows, and response URLs; it keeps every request, and every message as it stands, for
/// the test to read.
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
    func updates() throws -> [Request] { try requests().filter { $0.path == "/api/chat.update" } }

    /// Each message as it stands (after any update), by `channel/ts`.
    func messages() throws -> [String: [String: Any]] {
        let body = try control.send(HTTPRequest(method: .get, url: URL(string: "\(peer.baseURL)/test/messages")!)).body
        let listed = (try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []
        return Dictionary(listed.map { ("\($0["channel"] ?? "")/\($0["ts"] ?? "")", $0["message"] as? [String: Any] ?? [:]) }) { first, _ in first }
    }

    struct File {
        let id: String
        let title: String
        let channel: String
        let altText: String
        let fileName: String
        let bytes: [UInt8]
    }

    /// The files uploaded and completed into a channel, in order.
    func files() throws -> [File] {
        let body = try control.send(HTTPRequest(method: .get, url: URL(string: "\(peer.baseURL)/test/files")!)).body
        return ((try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []).map { file in
            File(id: file["id"] as? String ?? "", title: file["title"] as? String ?? "", channel: file["channel"] as? String ?? "",
                 altText: file["alt_txt"] as? String ?? "", fileName: file["filename"] as? String ?? "",
                 bytes: Array(Data(base64Encoded: file["base64"] as? String ?? "") ?? Data()))
        }
    }

    /// Deletes a message, as a person in the channel can.
    func delete(channel: String, ts: String) throws {
        let body = try JSONSerialization.data(withJSONObject: ["channel": channel, "ts": ts])
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: "\(peer.baseURL)/test/delete")!, body: body))
    }
}
