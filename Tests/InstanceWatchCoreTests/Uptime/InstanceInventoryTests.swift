import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// EC2Client as the UptimeChecker's inventory, against moto (signatures checked), in a region of its own.
@Suite("EC2Client as InstanceInventory against moto")
struct InstanceInventoryTests {
    @Test("running instances only; a look-up by ids leaves unknown ids out instead of failing")
    func inventory() throws {
        let moto = try MotoServer.get()
        let region = MotoServer.privateRegion()
        let ids = try #require(try moto.fixture(["op": "run_instances", "count": 3, "region": region, "tags": ["Name": "inv"]])["ids"] as? [String])
        try moto.fixture(["op": "stop_instances", "ids": [ids[2]], "region": region])
        let ec2 = EC2Client(aws: try moto.awsClient(region: region))
        #expect(try ec2.runningInstances(deadline: nil).map(\.id).sorted() == ids.prefix(2).sorted())
        let found = try ec2.instances(ids: [ids[2], "i-0000000000000dead"], deadline: nil)
        #expect(found.map(\.id) == [ids[2]])
        #expect(found.first?.state == "stopped")
    }
}
