import Lambda
import AWS
import CurlHTTP
import Support
/// What an instance costs, as an alert says it: an estimate in US dollars.
public struct InstancePrice: Sendable, Equatable {
    public enum Source: String, Sendable, Equatable {
        /// The Price List's on-demand price for Linux, shared tenancy.
        case onDemand = "on-demand Linux price"
        /// The newest Spot price of the instance's type in its zone.
        case spot = "Spot price in its zone"
    }

    public let hourlyUSD: Double
    public let source: Source

    public init(hourlyUSD: Double, source: Source) {
        self.hourlyUSD = hourlyUSD
        self.source = source
    }

    /// What `seconds` of running cost at this price.
    public func cost(forSeconds seconds: Int) -> Double { hourlyUSD * Double(seconds) / 3600 }

    /// `about $0.96 so far, $0.096 an hour (estimate: on-demand Linux price)`
    public func summary(forSeconds seconds: Int) -> String {
        "about \(Self.dollars(cost(forSeconds: seconds))) so far, \(Self.hourly(hourlyUSD)) an hour (estimate: \(source.rawValue))"
    }

    /// `$0.96`, `$12.40`, `$1,234`: cents below a hundred dollars, whole dollars above.
    public static func dollars(_ amount: Double) -> String {
        guard amount.isFinite, amount >= 0 else { return "$?" }
        if amount >= 100 { return "$" + grouped(Int(amount.rounded())) }
        let cents = Int((amount * 100).rounded())
        return "$\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
    }

    /// `$0.096`, `$0.0116`, `$1.54`: an hourly rate with its significant digits (at most four after the point below a dollar).
    public static func hourly(_ rate: Double) -> String {
        guard rate.isFinite, rate >= 0 else { return "$?" }
        if rate >= 1 { return dollars(rate) }
        let tenThousandths = Int((rate * 10_000).rounded())
        guard tenThousandths > 0 else { return "under $0.0001" }
        var digits = String(tenThousandths)
        digits = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        while digits.count > 3 && digits.hasSuffix("0") { digits.removeLast() }
        return "$0." + digits
    }

    private static func grouped(_ value: Int) -> String {
        var text = String(value)
        var index = text.count - 3
        while index > 0 {
            text.insert(",", at: text.index(text.startIndex, offsetBy: index))
            index -= 3
        }
        return text
    }
}
