import FoundationEssentials
import Support

/// Who owns an instance: the first of `OWNER_TAGS` it carries, else the owner the routes document
/// gives its account (organisation-wide, a member account is usually one team's). Pure: tags and
/// an account in, an owner's name out.
public struct Ownership: Sendable, Equatable {
    public static let defaultTags = ["instance-watch:owner", "owner", "Owner", "team", "Team"]

    /// Tag keys, in the order they are looked for.
    public var tags: [String]
    /// Account id → owner.
    public var accounts: [String: String]

    public init(tags: [String] = Self.defaultTags, accounts: [String: String] = [:]) {
        self.tags = tags
        self.accounts = accounts
    }

    /// The owner's name as the tag or the routes give it (not lower-cased: alerts show it as written),
    /// or nil when nothing names one. A tag with an empty value names nobody.
    public func owner(tags instanceTags: [String: String], account: String?) -> String? {
        for key in tags {
            if let value = instanceTags[key]?.trimmingWhitespace(), !value.isEmpty { return String(value.prefix(Self.maximumLength)) }
        }
        return account.flatMap { accounts[$0] }
    }

    /// Tag values may be 256 characters; an owner's name in a message attribute or a log line stays short.
    public static let maximumLength = 128

    /// Whether an owner's name is an e-mail address (for direct e-mail through SES): one `@`, a dot
    /// in the domain, nothing a mail header could be split on.
    public static func isEmailAddress(_ owner: String) -> Bool {
        let parts = owner.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return owner.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
    }

    /// A DNS name as `SES_ALLOWED_DOMAINS` lists them: labels of letters, digits and hyphens, dots
    /// between, at least two labels.
    public static func isDomainName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.utf8.count <= 253 && labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }

    /// Whether an owner's address may be mailed directly: its domain, or a parent of it, is listed.
    public static func isAllowedAddress(_ address: String, domains: [String]) -> Bool {
        guard isEmailAddress(address), let at = address.lastIndex(of: "@") else { return false }
        let domain = address[address.index(after: at)...].lowercased()
        return domains.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }
}
