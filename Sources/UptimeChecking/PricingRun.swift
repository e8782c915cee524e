import FoundationEssentials
import InstanceWatchCore
import Logging
import AWS
import Support

/// The prices of one run's alerts (`PRICING=on`): on-demand prices from the Price List (one call
/// per type and region, cached for a day), Spot prices from EC2 in each instance's own account and
/// zone, asked of every pair that needs them at once through the fleet's pool (cached for an hour).
/// A price is a courtesy: pricing has its own few seconds, and an alert goes out without one.
struct PricingRun {
    let prices: UptimeCheckHandler.Prices
    let fleet: any FleetInventory
    let ownAccount: String?
    let deadline: Date
    let logger: Logger

    /// The instances, those without a price priced (a run prices what it may stop before the stops,
    /// and what it alerts about after them).
    func run(_ instances: [RunningInstance]) -> [RunningInstance] {
        let run = prices.book.run(deadline: deadline)
        let spot = spotPrices(instances.filter { $0.price == nil })
        let priced = instances.map { instance -> RunningInstance in
            guard instance.price == nil, let type = instance.type, let isSpot = instance.isSpot else { return instance }
            var instance = instance
            if isSpot {
                instance.price = spotKey(instance).flatMap { spot[$0] }
            } else {
                instance.price = run.price(source: .onDemand, instanceType: type, place: instance.region, account: nil) { deadline in
                    try prices.priceList.onDemandLinuxHourlyUSD(instanceType: type, region: instance.region, deadline: deadline)
                }
            }
            return instance
        }
        for failure in run.failures { logger.warning("prices left out of this run's alerts: \(failure)") }
        return priced
    }

    private func spotKey(_ instance: RunningInstance) -> PriceBook.SpotKey? {
        guard instance.isSpot == true, let type = instance.type, let zone = instance.zone, let account = instance.account ?? ownAccount else { return nil }
        return PriceBook.SpotKey(instanceType: type, zone: zone, account: account)
    }

    /// Every Spot price the instances need: the cached ones, then the rest, each pair's at once.
    private func spotPrices(_ instances: [RunningInstance]) -> [PriceBook.SpotKey: InstancePrice] {
        // Each key's region (a zone's region, where its pair's EC2 answers).
        let regionOf = Dictionary(instances.compactMap { instance in spotKey(instance).map { ($0, instance.region) } }) { first, _ in first }
        guard let ownAccount, !regionOf.isEmpty else { return [:] }
        let (cached, missing) = prices.book.cachedSpotPrices(Set(regionOf.keys))
        var known = cached
        let byPair = Dictionary(grouping: missing) { key in AccountRegion(account: key.account, region: regionOf[key] ?? "") }
        let pairs = byPair.keys.sorted()
        let deadline = min(self.deadline, Date().addingTimeInterval(PriceBook.runBudget))
        let answers = fleet.forEachPairEC2(pairs, ownAccount: ownAccount, deadline: deadline) { pair, access in
            var found: [PriceBook.SpotKey: Double?] = [:]
            var failure: String?
            do {
                let ec2 = try access.get()
                for key in byPair[pair] ?? [] where Date() < deadline {
                    found[key] = try ec2.spotPrice(instanceType: key.instanceType, zone: key.zone, deadline: deadline)
                }
            } catch {
                failure = "\(pair): \(error)"
            }
            return (found, failure)
        }
        for (found, failure) in answers {
            prices.book.rememberSpotPrices(found)
            for case let (key, price?) in found { known[key] = InstancePrice(hourlyUSD: price, source: .spot) }
            if let failure { logger.warning("Spot prices left out of this run's alerts: \(failure)") }
        }
        return known
    }
}
