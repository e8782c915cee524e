/// What a Microsoft Teams Workflows webhook takes ("Post to a channel when a webhook request is
/// received"): a `message` with one attachment of content type
/// `application/vnd.microsoft.card.adaptive` holding an Adaptive Card. Office 365 connectors, which
/// took MessageCards, are retired. Built as values and encoded with JSONEncoder.
public struct TeamsMessage: Encodable, Sendable, Equatable {
    public let type = "message"
    public var attachments: [Attachment]

    public struct Attachment: Encodable, Sendable, Equatable {
        public let contentType = "application/vnd.microsoft.card.adaptive"
        public var content: AdaptiveCard
    }

    public init(card: AdaptiveCard) {
        attachments = [Attachment(content: card)]
    }

    /// An Adaptive Card of version 1.5 (what Teams renders in channels), with the elements instance-watch uses.
    public struct AdaptiveCard: Encodable, Sendable, Equatable {
        public let type = "AdaptiveCard"
        public let schema = "http://adaptivecards.io/schemas/adaptive-card.json"
        public let version = "1.5"
        public var body: [Element]
        public var actions: [Action]
        /// What a client that cannot render the card shows, and what notifications read.
        public var fallbackText: String

        public init(body: [Element], actions: [Action], fallbackText: String) {
            self.body = body
            self.actions = actions
            self.fallbackText = fallbackText
        }

        enum CodingKeys: String, CodingKey {
            case type, schema = "$schema", version, body, actions, fallbackText
        }
    }

    public enum Element: Encodable, Sendable, Equatable {
        /// A line of text: `heading` is larger and bold; `subtle` is muted; `attention` is red.
        case text(String, style: TextStyle = .plain)
        case facts([Fact])
        /// Elements in an emphasised box, with a line above them.
        case container([Element])
        /// A picture at `url` (a `data:` URI for a webhook's card), with text for whoever cannot see it.
        case image(url: String, altText: String)

        public enum TextStyle: Sendable, Equatable {
            case heading, plain, subtle, attention
        }

        enum Key: String, CodingKey { case type, text, wrap, size, weight, color, isSubtle, facts, items, separator, style, url, altText }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .text(let text, let style):
                try container.encode("TextBlock", forKey: .type)
                try container.encode(text, forKey: .text)
                try container.encode(true, forKey: .wrap)
                switch style {
                case .heading:
                    try container.encode("Large", forKey: .size)
                    try container.encode("Bolder", forKey: .weight)
                case .attention:
                    try container.encode("Attention", forKey: .color)
                    try container.encode("Bolder", forKey: .weight)
                case .subtle:
                    try container.encode(true, forKey: .isSubtle)
                    try container.encode("Small", forKey: .size)
                case .plain:
                    break
                }
            case .facts(let facts):
                try container.encode("FactSet", forKey: .type)
                try container.encode(facts, forKey: .facts)
            case .container(let items):
                try container.encode("Container", forKey: .type)
                try container.encode(items, forKey: .items)
                try container.encode(true, forKey: .separator)
                try container.encode("emphasis", forKey: .style)
            case .image(let url, let altText):
                try container.encode("Image", forKey: .type)
                try container.encode(url, forKey: .url)
                try container.encode(String(altText.prefix(500)), forKey: .altText)
                try container.encode("Stretch", forKey: .size)
            }
        }
    }

    public struct Fact: Encodable, Sendable, Equatable {
        public var title: String
        public var value: String
    }

    /// `Action.OpenUrl`: a button that opens a page.
    public struct Action: Encodable, Sendable, Equatable {
        public let type = "Action.OpenUrl"
        public var title: String
        public var url: String
    }

    /// Adaptive Cards render a subset of Markdown (emphasis, links, lists) in TextBlocks and facts:
    /// text that comes from an instance (its Name and other tags) is escaped so that it cannot become
    /// a link or emphasis. A backslash before a Markdown character shows the character itself (Teams
    /// on the desktop and the web honour it); only the characters that open a link, an autolink or
    /// asterisk emphasis are escaped, so ids, times, prices and snake_case names read as they are
    /// everywhere (an underscore can only ever make italics).
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            if "\\`*[]<>~".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
