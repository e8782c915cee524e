import FoundationEssentials

/// The EventBridge envelope every event arrives in. `detail` stays undecoded until the detail type
/// says what it holds.
public struct EventBridgeEvent: Sendable, Decodable {
    public let id: String?
    public let detailType: String
    public let source: String
    public let account: String
    public let time: String
    public let region: String
    public let resources: [String]

    enum CodingKeys: String, CodingKey {
        case id, detailType = "detail-type", source, account, time, region, resources
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        detailType = try container.decode(String.self, forKey: .detailType)
        source = try container.decode(String.self, forKey: .source)
        account = try container.decodeIfPresent(String.self, forKey: .account) ?? ""
        time = try container.decodeIfPresent(String.self, forKey: .time) ?? ""
        region = try container.decodeIfPresent(String.self, forKey: .region) ?? ""
        resources = try container.decodeIfPresent([String].self, forKey: .resources) ?? []
    }

    /// Decodes an event's envelope; a failure names the field.
    public static func decode(_ data: Data) throws(MalformedEvent) -> EventBridgeEvent {
        do {
            return try JSONDecoder().decode(EventBridgeEvent.self, from: data)
        } catch let error as DecodingError {
            throw MalformedEvent(error)
        } catch {
            throw MalformedEvent(field: "", problem: "cannot be decoded: \(error)")
        }
    }

    /// `time` as a timestamp; a handler that needs it calls this and gets an error naming `time`.
    public func eventTime() throws(MalformedEvent) -> UTCDateTime {
        guard !time.isEmpty else { throw MalformedEvent(field: "time", problem: "is missing") }
        guard let parsed = UTCDateTime.parse(time) else {
            throw MalformedEvent(field: "time", problem: "\"\(time.prefix(64))\" is not an ISO 8601 timestamp")
        }
        return parsed
    }
}
