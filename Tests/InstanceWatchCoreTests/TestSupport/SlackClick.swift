import Foundation
@testable import SlackActions

/// A click on an alert's button as it reaches the SlackActionHandler: Slack's `block_actions` form
/// body, signed as Slack signs it, in the Function URL event (payload format 2.0) Lambda builds.
enum SlackClick {
    /// The form body for a click on a button carrying `value`.
    static func body(_ actionId: String, value: String, user: String = "U0ALICE", name: String = "alice", responseURL: String) throws -> String {
        try form(action: ["type": "button", "action_id": actionId, "block_id": "b1", "value": value, "action_ts": "1700000002.000200"],
                 user: user, name: name, responseURL: responseURL)
    }

    /// The form body for an option chosen from an overflow menu (a digest's, beside an instance).
    static func menuChoice(_ menuId: String, option: String, user: String = "U0ALICE", name: String = "alice", responseURL: String) throws -> String {
        try form(action: ["type": "overflow", "action_id": menuId, "block_id": "b2",
                          "selected_option": ["text": ["type": "plain_text", "text": "chosen"], "value": option], "action_ts": "1700000002.000200"],
                 user: user, name: name, responseURL: responseURL)
    }

    private static func form(action: [String: Any], user: String, name: String, responseURL: String) throws -> String {
        let payload: [String: Any] = [
            "type": "block_actions", "user": ["id": user, "username": name, "name": name, "team_id": "T0001"],
            "api_app_id": "A0001", "container": ["type": "message", "channel_id": "COPS", "message_ts": "1700000001.000100"],
            "channel": ["id": "COPS", "name": "ops"], "response_url": responseURL, "actions": [action],
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        return "payload=" + json.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    /// The Function URL event for a POST of `body`, base64-encoded as Lambda hands a form body over;
    /// signed with `secret` over `signedBody` (the body itself unless a test alters it after signing).
    /// `timestampHeader` replaces the timestamp header as written (a hostile one, say), signed as it is.
    static func functionURLEvent(body: String, secret: String, timestamp: Int? = nil, signature: String? = nil, signedBody: String? = nil,
                                 timestampHeader: String? = nil) throws -> String {
        let time = timestamp ?? Int(Date().timeIntervalSince1970)
        let header = timestampHeader ?? String(time)
        let event: [String: Any] = [
            "version": "2.0", "routeKey": "$default", "rawPath": "/", "rawQueryString": "",
            "headers": ["content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": header,
                        "x-slack-signature": signature ?? SlackSignature.sign(secret: secret, timestamp: header, body: Array((signedBody ?? body).utf8))],
            "requestContext": ["http": ["method": "POST", "path": "/", "sourceIp": "203.0.113.9"], "timeEpoch": Int(Date().timeIntervalSince1970) * 1000],
            "body": Data(body.utf8).base64EncodedString(), "isBase64Encoded": true,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self)
    }
}
