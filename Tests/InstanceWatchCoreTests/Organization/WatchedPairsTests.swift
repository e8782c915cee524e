import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Watched account/region pairs")
struct WatchedPairsTests {
    @Test("every known account in every known region, the function's own first, without repeats")
    func known() {
        let pairs = WatchedPairs.known(ownAccount: "123456789012", homeRegion: "eu-west-1",
                                       watchedAccounts: ["111111111111", "123456789012", "222222222222"], watchedRegions: ["us-east-1", "eu-west-1"])
        #expect(pairs.map(\.description) == [
            "123456789012/eu-west-1", "123456789012/us-east-1", "111111111111/eu-west-1", "111111111111/us-east-1",
            "222222222222/eu-west-1", "222222222222/us-east-1",
        ])
    }

    @Test("a record's pair: its own account and region, the function's for the original design's records, none for nonsense")
    func recordPair() {
        let own = "123456789012"
        #expect(WatchedPairs.pair(of: InstanceRecord(instanceId: "i-a", account: "111111111111", region: "us-east-1"), ownAccount: own, homeRegion: "eu-west-1")
                == AccountRegion(account: "111111111111", region: "us-east-1"))
        #expect(WatchedPairs.pair(of: InstanceRecord(instanceId: "i-a"), ownAccount: own, homeRegion: "eu-west-1") == AccountRegion(account: own, region: "eu-west-1"))
        #expect(WatchedPairs.pair(of: InstanceRecord(instanceId: "i-a", account: "<account_number>"), ownAccount: own, homeRegion: "eu-west-1") == nil)
        #expect(WatchedPairs.pair(of: InstanceRecord(instanceId: "i-a", region: "EU WEST"), ownAccount: own, homeRegion: "eu-west-1") == nil)
    }
}
