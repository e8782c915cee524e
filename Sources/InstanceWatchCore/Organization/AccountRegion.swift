import Lambda
import AWS
import CurlHTTP
import Support
/// One place instances live: an account in a region. The UptimeChecker reconciles the table with
/// EC2 one pair at a time; the StateChangeHandler looks a member's instance up in its pair.
public struct AccountRegion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let account: String
    public let region: String

    public init(account: String, region: String) {
        self.account = account
        self.region = region
    }

    /// `111122223333/eu-west-1`, as results and problems name a pair.
    public var description: String { "\(account)/\(region)" }

    public static func < (lhs: AccountRegion, rhs: AccountRegion) -> Bool {
        (lhs.account, lhs.region) < (rhs.account, rhs.region)
    }

    /// Twelve digits, as AWS writes an account id.
    public static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
