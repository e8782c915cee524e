import Foundation
import Synchronization
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Price List client against the local Price List peer")
struct PriceListClientTests {
    func client(_ pricing: PricingPeer, credentials: AWSCredentials = AWSCredentials(accessKeyId: "AKIDPRICES", secretAccessKey: "prices-secret")) throws -> PriceListClient {
        let environment = try AWSEnvironment.fromEnvironment([
            "AWS_ACCESS_KEY_ID": credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_PRICING": pricing.endpoint,
        ])
        return PriceListClient(aws: AWSClient(environment: environment, http: CurlHTTPClient()))
    }

    @Test("GetProducts signed for pricing in us-east-1, filtered to Linux, shared tenancy, the type and region: the on-demand hourly price")
    func onDemand() throws {
        let pricing = try PricingPeer()
        try pricing.accept(AWSCredentials(accessKeyId: "AKIDPRICES", secretAccessKey: "prices-secret"))
        try pricing.price("m5.large", in: "eu-west-1", usd: "0.0960000000")
        try pricing.price("m5.large", in: "us-east-1", usd: "0.0960000000")
        try pricing.price("t3.micro", in: "eu-west-1", usd: "0.0114000000")
        let client = try client(pricing)
        #expect(try client.onDemandLinuxHourlyUSD(instanceType: "m5.large", region: "eu-west-1", deadline: nil) == 0.096)
        #expect(try client.onDemandLinuxHourlyUSD(instanceType: "t3.micro", region: "eu-west-1", deadline: nil) == 0.0114)
        #expect(try client.onDemandLinuxHourlyUSD(instanceType: "x9.huge", region: "eu-west-1", deadline: nil) == nil, "no product, no price")
        let filters = try #require(try pricing.requests().first)
        #expect(filters == ["instanceType": "m5.large", "regionCode": "eu-west-1", "operatingSystem": "Linux", "tenancy": "Shared",
                            "preInstalledSw": "NA", "capacitystatus": "Used"])
    }

    @Test("a key the Price List does not know is refused, in its JSON error form")
    func unknownKey() throws {
        let pricing = try PricingPeer()
        #expect {
            _ = try client(pricing).onDemandLinuxHourlyUSD(instanceType: "m5.large", region: "eu-west-1", deadline: nil)
        } throws: { error in
            (error as? AWSClientError)?.serviceError?.code == "UnrecognizedClientException"
        }
    }

    @Test("a price document's on-demand hourly USD; reserved terms, other units and zero prices are not it")
    func documents() throws {
        let document = #"{"terms":{"OnDemand":{"A.B":{"priceDimensions":{"A.B.C":{"unit":"Quantity","pricePerUnit":{"USD":"5"}},"A.B.D":{"unit":"Hrs","pricePerUnit":{"USD":"0.1920000000"}}}}},"Reserved":{"X":{"priceDimensions":{"X.Y":{"unit":"Hrs","pricePerUnit":{"USD":"0.1"}}}}}}}"#
        #expect(try PriceListClient.onDemandHourlyUSD(document: document) == 0.192)
        #expect(try PriceListClient.onDemandHourlyUSD(document: #"{"terms":{"OnDemand":{"A":{"priceDimensions":{"B":{"unit":"Hrs","pricePerUnit":{"USD":"0.0000000000"}}}}}}}"#) == nil)
        #expect(throws: AWSClientError.self) { try PriceListClient.onDemandHourlyUSD(document: "not json") }
    }

    @Test("money reads as an operator expects: cents, thousands, and an hourly rate with its digits")
    func formatting() {
        #expect(InstancePrice.dollars(0.96) == "$0.96" && InstancePrice.dollars(12.4) == "$12.40" && InstancePrice.dollars(1234.4) == "$1,234")
        #expect(InstancePrice.hourly(0.096) == "$0.096" && InstancePrice.hourly(0.0116) == "$0.0116" && InstancePrice.hourly(1.536) == "$1.54")
        #expect(InstancePrice.hourly(0.00001) == "under $0.0001")
        #expect(InstancePrice(hourlyUSD: 0.096, source: .onDemand).summary(forSeconds: 36_000)
                == "about $0.96 so far, $0.096 an hour (estimate: on-demand Linux price)")
    }
}

@Suite("Price book: a cache that never makes a run wait")
struct PriceBookTests {
    struct Down: Error {}

    @Test("one fetch per key within its life; another after; a failure ends that source for the run")
    func caching() {
        let now = Mutex(Date(timeIntervalSince1970: 1_764_633_600))
        let book = PriceBook(clock: { now.withLock { $0 } })
        var fetches = 0
        let fetch: (Date) throws -> Double? = { _ in fetches += 1; return 0.096 }
        for _ in 0..<3 {
            let run = book.run(deadline: now.withLock { $0 }.addingTimeInterval(60))
            #expect(run.price(source: .onDemand, instanceType: "m5.large", place: "eu-west-1", account: nil, fetch: fetch)?.hourlyUSD == 0.096)
        }
        #expect(fetches == 1)
        now.withLock { $0 = $0.addingTimeInterval(PriceBook.onDemandLifetime + 1) }
        let later = book.run(deadline: now.withLock { $0 }.addingTimeInterval(60))
        _ = later.price(source: .onDemand, instanceType: "m5.large", place: "eu-west-1", account: nil, fetch: fetch)
        #expect(fetches == 2)
        var failing = 0
        let run = book.run(deadline: now.withLock { $0 }.addingTimeInterval(60))
        for type in ["a", "b", "c"] {
            #expect(run.price(source: .onDemand, instanceType: type, place: "eu-west-1", account: nil) { _ in failing += 1; throw Down() } == nil)
        }
        #expect(failing == 1 && run.failures.count == 1, "one failed call, then no more this run")
        #expect(run.price(source: .spot, instanceType: "a", place: "eu-west-1a", account: "1") { _ in 0.01 }?.source == .spot, "the other source still answers")
        let late = book.run(deadline: now.withLock { $0 }.addingTimeInterval(-1))
        #expect(late.price(source: .onDemand, instanceType: "z", place: "eu-west-1", account: nil) { _ in 1 } == nil, "out of time: no call")
    }
}
