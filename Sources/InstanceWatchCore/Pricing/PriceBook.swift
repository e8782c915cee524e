import FoundationEssentials
import Synchronization
import Lambda
import AWS
import CurlHTTP
import Support

/// Where alerts get an instance's price: the Price List for on-demand instances, EC2's Spot price
/// history for Spot ones, remembered for the life of the warm process (prices change rarely) so a
/// run asks once per type and region, and never at all within the cache's life. Kept in memory:
/// nothing of it is written to the table, where it would look like an instance record.
///
/// A price is a courtesy, never a reason to wait or to fail: each run gives pricing a few seconds
/// in all, and after the first failed call it asks no more for the rest of that run.
public final class PriceBook: Sendable {
    public static let onDemandLifetime = 24 * 3600.0
    public static let spotLifetime = 3600.0
    /// The most of a run spent on prices; the alerts go out regardless.
    public static let runBudget = 3.0
    /// Price calls are tried twice at most: a price that does not come at once is not worth a wait.
    public static let retryPolicy = RetryPolicy(maximumAttempts: 2, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(200))

    struct Key: Hashable {
        let source: InstancePrice.Source
        let instanceType: String
        /// The region (on-demand) or the zone (Spot).
        let place: String
        /// Spot prices are the account's view of the zone (zone names map differently per account).
        let account: String?
    }

    private let entries = Mutex<[Key: (hourlyUSD: Double?, fetchedAt: Double)]>([:])
    private let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date) {
        self.clock = clock
    }

    /// One run's pricing: its own time budget and its own memory of a failed source.
    public final class Run {
        let book: PriceBook
        let deadline: Date
        var gaveUp: [InstancePrice.Source: String] = [:]
        /// Calls made to the APIs this run (what the cache saved shows in tests).
        public private(set) var calls = 0

        init(book: PriceBook, deadline: Date) {
            self.book = book
            self.deadline = deadline
        }

        /// Why a source gave no prices this run, for the log.
        public var failures: [String] { gaveUp.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue): \($0.value)" } }

        /// The price of `instance`, or nil (unknown type, no price listed, the source failing or
        /// out of time). `fetch` asks the source; it is called at most once per key while cached.
        public func price(source: InstancePrice.Source, instanceType: String, place: String, account: String?,
                          fetch: (_ deadline: Date) throws -> Double?) -> InstancePrice? {
            let key = Key(source: source, instanceType: instanceType, place: place, account: account)
            let now = book.clock().timeIntervalSince1970
            let lifetime = source == .spot ? PriceBook.spotLifetime : PriceBook.onDemandLifetime
            if let cached = book.entries.withLock({ $0[key] }), now - cached.fetchedAt < lifetime {
                return cached.hourlyUSD.map { InstancePrice(hourlyUSD: $0, source: source) }
            }
            guard gaveUp[source] == nil, book.clock() < deadline else { return nil }
            calls += 1
            do {
                let price = try fetch(deadline)
                book.entries.withLock { $0[key] = (price, now) }
                return price.map { InstancePrice(hourlyUSD: $0, source: source) }
            } catch {
                gaveUp[source] = "\(error)"
                return nil
            }
        }
    }

    /// The cached Spot prices among `keys` (type, zone, account); `missing` lists those to ask for.
    public func cachedSpotPrices(_ keys: Set<SpotKey>) -> (known: [SpotKey: InstancePrice], missing: [SpotKey]) {
        let now = clock().timeIntervalSince1970
        var known: [SpotKey: InstancePrice] = [:]
        var missing: [SpotKey] = []
        entries.withLock { entries in
            for key in keys {
                if let cached = entries[Key(source: .spot, instanceType: key.instanceType, place: key.zone, account: key.account)],
                   now - cached.fetchedAt < Self.spotLifetime {
                    if let hourly = cached.hourlyUSD { known[key] = InstancePrice(hourlyUSD: hourly, source: .spot) }
                } else {
                    missing.append(key)
                }
            }
        }
        return (known, missing)
    }

    /// Remembers Spot prices fetched outside a `Run` (several pairs at once, `PricingRun`).
    public func rememberSpotPrices(_ prices: [SpotKey: Double?]) {
        let now = clock().timeIntervalSince1970
        entries.withLock { entries in
            for (key, price) in prices { entries[Key(source: .spot, instanceType: key.instanceType, place: key.zone, account: key.account)] = (price, now) }
        }
    }

    /// One Spot price to know: a type in a zone, as an account sees the zone.
    public struct SpotKey: Hashable, Sendable {
        public let instanceType: String
        public let zone: String
        public let account: String

        public init(instanceType: String, zone: String, account: String) {
            self.instanceType = instanceType
            self.zone = zone
            self.account = account
        }
    }

    /// A run whose price calls end by `deadline` or `runBudget` from now, whichever comes first.
    public func run(deadline: Date) -> Run {
        Run(book: self, deadline: min(deadline, clock().addingTimeInterval(Self.runBudget)))
    }
}
