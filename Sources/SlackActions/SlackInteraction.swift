import FoundationEssentials
import InstanceWatchCore
import Support

/// One click on a button of an alert: Slack's `block_actions` interaction, posted as
/// `application/x-www-form-urlencoded` with the JSON in `payload`. Only what the handler acts on is
/// read; everything in it came from outside and is checked before use.
public struct SlackInteraction: Sendable, Equatable {
    public var userId: String
    /// The user's Slack handle, for messages and the record (`alice`); the id is what is trusted.
    public var userName: String
    public var actionId: String
    public var value: String
    public var responseURL: URL?
    public var channelId: String?
    public var messageTimestamp: String?
    /// Chosen from the menu beside an instance in a digest (`SlackButtonAction.digestMenuId`), not
    /// from an alert's own buttons: the answer goes beside the digest instead of replacing it.
    public var fromDigest = false
    /// The workspace (`team.id`, or the user's `team_id`) and the app (`api_app_id`) the click came
    /// through; checked against `SLACK_TEAM_ID` and `SLACK_APP_ID` when those are set.
    public var teamId: String?
    public var appId: String?

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the form body: `payload=<url-encoded JSON>`.
    public static func parse(formBody: [UInt8]) throws(Malformed) -> SlackInteraction {
        let text = String(decoding: formBody, as: UTF8.self)
        guard let field = text.split(separator: "&").first(where: { $0.hasPrefix("payload=") }),
              let json = URIEncoding.formDecode(String(field.dropFirst("payload=".count)))
        else { throw Malformed(description: "no payload field in the form body") }
        struct Payload: Decodable {
            struct User: Decodable { let id: String; let username: String?; let name: String?; let team_id: String? }
            struct Team: Decodable { let id: String? }
            struct Action: Decodable {
                struct Option: Decodable { let value: String }
                let action_id: String
                let value: String?
                let selected_option: Option?
            }
            struct Container: Decodable { let channel_id: String?; let message_ts: String? }
            struct Channel: Decodable { let id: String? }
            let type: String
            let user: User
            let actions: [Action]?
            let response_url: String?
            let container: Container?
            let channel: Channel?
            let team: Team?
            let api_app_id: String?
        }
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
        } catch {
            throw Malformed(description: "the payload is not a Slack interaction: \(error)")
        }
        guard payload.type == "block_actions" else { throw Malformed(description: "an interaction of type \(payload.type.prefix(40)), not block_actions") }
        guard let action = payload.actions?.first else { throw Malformed(description: "no action") }
        // A button carries its action id and value; a digest's menu option carries `<action> <value>`.
        let actionId: String, value: String
        let fromDigest = action.action_id == SlackButtonAction.digestMenuId
        if fromDigest {
            guard let chosen = action.selected_option?.value, let space = chosen.firstIndex(of: " ") else {
                throw Malformed(description: "a menu choice without an action and a value")
            }
            actionId = String(chosen[..<space])
            value = String(chosen[chosen.index(after: space)...])
        } else {
            guard let buttonValue = action.value else { throw Malformed(description: "no action with a value") }
            actionId = action.action_id
            value = buttonValue
        }
        return SlackInteraction(
            userId: payload.user.id, userName: payload.user.username ?? payload.user.name ?? payload.user.id, actionId: actionId, value: value,
            responseURL: payload.response_url.flatMap(URL.init(string:)), channelId: payload.container?.channel_id ?? payload.channel?.id,
            messageTimestamp: payload.container?.message_ts, fromDigest: fromDigest,
            teamId: payload.team?.id ?? payload.user.team_id, appId: payload.api_app_id
        )
    }
}
