import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The local Price List Query API (`Tests/Peers/pricing_peer.py`): on-demand prices it is given, in
/// the API's own answer shape, for requests signed by a key it knows.
final class PricingPeer: @unchecked Sendable {
    let peer: LocalPeer
    private let control = CurlHTTPClient()

    init() throws {
        peer = try LocalPeer(script: "pricing_peer.py")
    }

    var endpoint: String { peer.baseURL }

    func accept(_ credentials: AWSCredentials) throws {
        try post("/test/keys", [credentials.accessKeyId: credentials.secretAccessKey])
    }

    func price(_ instanceType: String, in region: String, usd: String) throws {
        try post("/test/prices", [["instanceType": instanceType, "regionCode": region, "usd": usd]])
    }

    /// The filters of every GetProducts received, in order.
    func requests() throws -> [[String: String]] {
        let body = try control.send(HTTPRequest(method: .get, url: URL(string: "\(endpoint)/test/requests")!)).body
        return ((try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []).compactMap { $0["filters"] as? [String: String] }
    }

    private func post(_ path: String, _ object: Any) throws {
        _ = try control.send(HTTPRequest(method: .post, url: URL(string: endpoint + path)!, body: JSONSerialization.data(withJSONObject: object)))
    }
}
