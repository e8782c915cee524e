import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

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
    /// The detail's string fields the EC2 events use, read in the same pass as the envelope (one
    /// JSON parse an event, not two) but judged only when the detail type says they matter: another
    /// source's detail may hold anything.
    let detail: DetailFields

    enum CodingKeys: String, CodingKey {
        case id, detailType = "detail-type", source, account, time, region, resources, detail
    }

    /// One string field of the detail: there, or why not, as the error will say it.
    enum Field: Sendable {
        case value(String)
        case missing
        case null
        case notAString
    }

    struct DetailFields: Sendable, Decodable {
        /// nil when the detail is an object; otherwise what is wrong with it.
        var problem: String?
        var fields: [String: Field] = [:]

        static let names = ["instance-id", "state", "instance-action"]

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(problem: String) { self.problem = problem }

        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: Key.self) else {
                let single = try decoder.singleValueContainer()
                problem = single.decodeNil() ? "is null where a JSON object is expected" : "is not a JSON object"
                return
            }
            for name in Self.names {
                let key = Key(stringValue: name)
                if !container.contains(key) {
                    fields[name] = .missing
                } else if (try? container.decodeNil(forKey: key)) == true {
                    fields[name] = .null
                } else if let value = try? container.decode(String.self, forKey: key) {
                    fields[name] = .value(value)
                } else {
                    fields[name] = .notAString
                }
            }
        }

        /// The field's string, or the error that names it (`detail.instance-id is missing`).
        func string(_ name: String) throws(MalformedEvent) -> String {
            if let problem { throw MalformedEvent(field: "detail", problem: problem) }
            switch fields[name] ?? .missing {
            case .value(let value): return value
            case .missing: throw MalformedEvent(field: "detail.\(name)", problem: "is missing")
            case .null: throw MalformedEvent(field: "detail.\(name)", problem: "is null where a string is expected")
            case .notAString: throw MalformedEvent(field: "detail.\(name)", problem: "is not a string")
            }
        }

        /// The field's string when present and not null.
        func optionalString(_ name: String) throws(MalformedEvent) -> String? {
            if problem == nil, case .missing? = fields[name] { return nil }
            if problem == nil, case .null? = fields[name] { return nil }
            return try string(name)
        }
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
        detail = container.contains(.detail) ? try container.decode(DetailFields.self, forKey: .detail) : DetailFields(problem: "is missing")
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

    /// `account`, when present, as twelve digits: it is written to the table with the instance.
    public func checkedAccount() throws(MalformedEvent) -> String {
        guard account.isEmpty || Self.isAccountId(account) else {
            throw MalformedEvent(field: "account", problem: "\"\(account.clipped())\" is not a 12-digit AWS account id")
        }
        return account
    }

    /// `region`, when present, shaped like an AWS region (`eu-west-1`): it goes into console links.
    public func checkedRegion() throws(MalformedEvent) -> String {
        guard region.isEmpty || Self.isRegionName(region) else {
            throw MalformedEvent(field: "region", problem: "\"\(region.clipped())\" is not an AWS region name")
        }
        return region
    }

    static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Lower-case words joined by dashes, ending in a number: `us-east-1`, `us-gov-west-1`, `eu-central-2`.
    static func isRegionName(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count <= 32, parts.count >= 3, let number = parts.last, (1...2).contains(number.utf8.count),
              number.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } }
    }

    /// `time` as a timestamp; a handler that needs it calls this and gets an error naming `time`.
    public func eventTime() throws(MalformedEvent) -> UTCDateTime {
        guard !time.isEmpty else { throw MalformedEvent(field: "time", problem: "is missing") }
        guard let parsed = UTCDateTime.parse(time) else {
            throw MalformedEvent(field: "time", problem: "\"\(time.clipped())\" is not an ISO 8601 timestamp")
        }
        return parsed
    }
}
