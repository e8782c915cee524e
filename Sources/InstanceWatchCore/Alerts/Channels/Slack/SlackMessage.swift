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
    /// For `chat.update`: the message replaced.
    public var ts: String?
    public var attachments: [Attachment]
    /// For a `response_url`: replace the message the button was on (true), or answer beside it.
    public var replaceOriginal: Bool?
    /// For a `response_url`: `ephemeral` shows the answer to the one who clicked, alone.
    public var responseType: String?

    enum CodingKeys: String, CodingKey {
        case text, channel, ts, attachments, replaceOriginal = "replace_original", responseType = "response_type"
    }

    public init(text: String, channel: String?, attachments: [Attachment], replaceOriginal: Bool? = nil, responseType: String? = nil) {
        self.text = text
        self.channel = channel
        self.attachments = attachments
        self.replaceOriginal = replaceOriginal
        self.responseType = responseType
    }

    public struct Attachment: Encodable, Sendable, Equatable {
        public var color: String
        public var fallback: String
        public var blocks: [Block]

        public init(color: String, fallback: String, blocks: [Block]) {
            self.color = color
            self.fallback = fallback
            self.blocks = blocks
        }
    }

    public enum Block: Encodable, Sendable, Equatable {
        case header(String)
        case fields([String])
        case section(String)
        case button(label: String, url: String)
        case context(String)
        /// Buttons that call the app back (Slack app mode): a link button and action buttons.
        case actions([ActionButton])
        /// A section with an overflow menu ("…") beside it whose options call the app back (Slack
        /// app mode: an instance in a digest).
        case menuSection(String, menu: Menu)

        /// An overflow menu: one `actionId`, and options each carrying its own value.
        public struct Menu: Encodable, Sendable, Equatable {
            let type = "overflow"
            let actionId: String
            let options: [Option]

            enum CodingKeys: String, CodingKey { case type, actionId = "action_id", options }

            public struct Option: Encodable, Sendable, Equatable {
                let text: Text
                let value: String
            }

            /// Slack shows 2 to 5 options; a label is at most 75 characters, a value 150.
            public init(actionId: String, options: [(label: String, value: String)]) {
                self.actionId = actionId
                self.options = options.prefix(5).map { Option(text: Text(type: "plain_text", text: String($0.label.prefix(75))), value: $0.value) }
            }
        }

        /// A button: a link (`url`) or an action the app receives (`actionId` and `value`).
        public struct ActionButton: Encodable, Sendable, Equatable {
            let type = "button"
            let text: Text
            let url: String?
            let actionId: String?
            let value: String?
            let style: String?

            enum CodingKeys: String, CodingKey { case type, text, url, actionId = "action_id", value, style }

            public static func link(_ label: String, url: String) -> ActionButton {
                ActionButton(text: Text(type: "plain_text", text: label), url: url, actionId: nil, value: nil, style: nil)
            }

            /// `danger` colours a destructive one red.
            public static func action(_ label: String, id: String, value: String, style: String? = nil) -> ActionButton {
                ActionButton(text: Text(type: "plain_text", text: label), url: nil, actionId: id, value: value, style: style)
            }
        }

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
            case .actions(let buttons):
                try container.encode("actions", forKey: .type)
                try container.encode(buttons, forKey: .elements)
            case .menuSection(let text, let menu):
                try container.encode("section", forKey: .type)
                try container.encode(Text(type: "mrkdwn", text: text), forKey: .text)
                try container.encode(menu, forKey: .accessory)
            }
        }

        enum Key: String, CodingKey { case type, text, fields, elements, accessory }

        /// A text object. Every `mrkdwn` one is `verbatim`: Slack then leaves URLs, channel names and
        /// mentions in it as typed instead of turning them into links (tag text is anyone's to write);
        /// the links the message means are written out as `<url|label>`, which verbatim keeps.
        struct Text: Encodable, Equatable, Sendable {
            let type: String
            let text: String

            init(type: String, text: String) {
                self.type = type
                self.text = text
            }

            enum Key: String, CodingKey { case type, text, verbatim }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(type, forKey: .type)
                try container.encode(text, forKey: .text)
                if type == "mrkdwn" { try container.encode(true, forKey: .verbatim) }
            }
        }

        struct Button: Encodable, Equatable {
            let type = "button"
            let text: Text
            let url: String
        }
    }

    /// Slack's mrkdwn gives `&`, `<` and `>` meaning; text from tags or events is escaped before use.
    /// It also reads `*bold*`, `_italic_`, `~struck~` and `` `code` `` and has no escape for them:
    /// a zero-width space after each such character keeps a pair from ever closing, so a Name of
    /// `*bold*` shows as typed (the space takes no room on screen).
    public static func escape(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "*", "_", "~", "`":
                escaped.append(scalar)
                escaped.append(zeroWidthSpace)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    static let zeroWidthSpace: Unicode.Scalar = "\u{200B}"
}
