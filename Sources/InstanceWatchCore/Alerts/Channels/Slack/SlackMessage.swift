import Lambda
import AWS
import CurlHTTP
import Support
/// A Slack incoming-webhook payload: a top-level `text` (what notifications and phones show) and
/// one attachment whose colour marks the kind of alert, holding Block Kit blocks. Built as values
/// and encoded with JSONEncoder: never by concatenating JSON text.
public struct SlackMessage: Encodable, Sendable, Equatable {
    public var text: String
    public var channel: String?
    public var attachments: [Attachment]

    public struct Attachment: Encodable, Sendable, Equatable {
        public var color: String
        public var fallback: String
        public var blocks: [Block]
    }

    public enum Block: Encodable, Sendable, Equatable {
        case header(String)
        case fields([String])
        case section(String)
        case button(label: String, url: String)
        case context(String)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .header(let text):
                try container.encode("header", forKey: .type)
                try container.encode(Text(type: "plain_text", text: String(text.prefix(150))), forKey: .text)
            case .fields(let fields):
                try container.encode("section", forKey: .type)
                try container.encode(fields.prefix(10).map { Text(type: "mrkdwn", text: $0) }, forKey: .fields)
            case .section(let text):
                try container.encode("section", forKey: .type)
                try container.encode(Text(type: "mrkdwn", text: text), forKey: .text)
            case .button(let label, let url):
                try container.encode("actions", forKey: .type)
                try container.encode([Button(text: Text(type: "plain_text", text: label), url: url)], forKey: .elements)
            case .context(let text):
                try container.encode("context", forKey: .type)
                try container.encode([Text(type: "mrkdwn", text: text)], forKey: .elements)
            }
        }

        enum Key: String, CodingKey { case type, text, fields, elements }

        struct Text: Encodable, Equatable {
            let type: String
            let text: String
        }

        struct Button: Encodable, Equatable {
            let type = "button"
            let text: Text
            let url: String
        }
    }

    /// Slack's mrkdwn gives `&`, `<` and `>` meaning; text from tags or events is escaped before use.
    public static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}
