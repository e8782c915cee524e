import Foundation
import Synchronization
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// moto's server with signature checking on (`Tests/Peers/moto_peer.py`), one per test process:
/// starting it takes a second or two, so tests share it and keep apart by unique resource names.
final class MotoServer: @unchecked Sendable {
    static let shared: Result<MotoServer, any Error> = Result { try MotoServer() }

    static func get() throws -> MotoServer { try shared.get() }

    let peer: LocalPeer
    let credentials: AWSCredentials
    let region = "eu-west-1"

    private init() throws {
        peer = try LocalPeer(script: "moto_peer.py", announcedKeys: ["ACCESS_KEY_ID", "SECRET_ACCESS_KEY"])
        credentials = AWSCredentials(
            accessKeyId: peer.announcements["ACCESS_KEY_ID"]!, secretAccessKey: peer.announcements["SECRET_ACCESS_KEY"]!
        )
    }

    var endpoint: String { peer.baseURL }

    /// What the functions read: the test user's key, the region, and `AWS_ENDPOINT_URL` pointing here.
    var environmentVariables: [String: String] { environmentVariables(region: region) }

    func environmentVariables(region: String) -> [String: String] {
        ["AWS_ACCESS_KEY_ID": credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
         "AWS_REGION": region, "AWS_ENDPOINT_URL": endpoint]
    }

    func awsClient(credentials: AWSCredentials? = nil, region: String? = nil, endpoint: String? = nil,
                   http: any HTTPClient = CurlHTTPClient()) throws -> AWSClient {
        var variables = environmentVariables(region: region ?? self.region)
        if let credentials {
            variables["AWS_ACCESS_KEY_ID"] = credentials.accessKeyId
            variables["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
            variables["AWS_SESSION_TOKEN"] = credentials.sessionToken
        }
        if let endpoint { variables["AWS_ENDPOINT_URL"] = endpoint }
        return AWSClient(environment: try AWSEnvironment.fromEnvironment(variables), http: http)
    }

    /// Temporary credentials (with a session token) of a new role allowed exactly `actions`, as
    /// environment variables. moto checks the actions of every call made with them.
    func roleEnvironment(actions: [String], region: String? = nil) throws -> [String: String] {
        let answer = try fixture(["op": "assume_role", "name": Self.uniqueName("role"), "actions": actions])
        guard let id = answer["access_key_id"] as? String, let secret = answer["secret_access_key"] as? String,
              let token = answer["session_token"] as? String
        else { throw LocalPeer.PeerError.commandFailed("assume_role answered \(answer)") }
        return environmentVariables(region: region ?? self.region).merging([
            "AWS_ACCESS_KEY_ID": id, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token,
        ]) { $1 }
    }

    /// Launches one instance (in a member `account` when given: moto acts in the account of the role
    /// the fixture assumes there); its id and LaunchTime as moto reports them.
    func launch(region: String? = nil, account: String? = nil, tags: [String: String] = [:], spot: Bool = false,
                type: String = "t3.micro") throws -> (id: String, launched: UTCDateTime) {
        // A Spot instance's price comes from moto's offerings: decided by where the test launches it,
        // never by which region it happened to get (the peer checks the zone as well).
        if spot, !Self.hasOfferings(region ?? self.region) {
            throw LocalPeer.PeerError.commandFailed(
                "a Spot \(type) in \(region ?? self.region) would have no price in moto: launch it in MotoServer.privateRegion(offering: [\"\(type)\"])")
        }
        var command: [String: Any] = ["op": "run_instances", "count": 1, "tags": tags, "spot": spot, "region": region ?? self.region, "type": type]
        if let account { command["account"] = account }
        let answer = try fixture(command)
        guard let id = (answer["ids"] as? [String])?.first, let launched = (answer["launch_times"] as? [String])?.first.flatMap(UTCDateTime.parse)
        else { throw LocalPeer.PeerError.commandFailed("run_instances answered \(answer)") }
        return (id, launched)
    }

    /// A role in a member account allowed exactly `actions` (moto checks them on every call made
    /// with the role's credentials).
    func memberRole(account: String, name: String, actions: [String]) throws {
        try fixture(["op": "member_role", "account": account, "name": name, "actions": actions])
    }

    /// An account id no other test uses: moto keeps each account's resources apart.
    static func uniqueAccount() -> String {
        "9" + String(UInt64.random(in: 0..<100_000_000_000)).leftPadded(to: 11)
    }

    /// The table's item for `id`, read with a scan (as the functions' own client reads).
    func item(table: String, id: String, region: String? = nil) throws -> DynamoDBItem? {
        var found: DynamoDBItem?
        try DynamoDBClient(aws: awsClient(region: region)).scanAllPages(ScanInput(tableName: table)) { page in
            found = found ?? page.items.first { $0["instance_id"]?.stringValue == id }
            return true
        }
        return found
    }

    @discardableResult
    func fixture(_ command: [String: Any]) throws -> [String: Any] {
        try peer.command(command)
    }

    /// The instance types the tests launch. moto's EC2 data (its instance-type offerings, which its
    /// DescribeSpotPriceHistory answers from) has them in some regions' zones only.
    static let testedTypes = ["t3.micro", "m5.large", "c5.large"]

    /// Regions whose every zone moto's data offers every tested type: a Spot instance there has a
    /// price. Checked against moto itself the first time one is handed out.
    private static let offeringRegions = [
        "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-2", "eu-west-3",
        "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "sa-east-1",
        "eu-south-1", "eu-south-2", "eu-central-2", "me-south-1", "af-south-1", "ap-east-1",
        "ap-southeast-3", "ap-south-2", "il-central-1", "ca-west-1", "ap-southeast-4",
    ]
    /// Regions moto knows (it launches instances there) whose data lacks some tested types: handed
    /// out first to the tests that need no such data, so that the others never run short.
    private static let leanRegions = ["ap-east-2", "ap-southeast-6", "ap-southeast-7", "mx-central-1", "me-central-1", "ap-southeast-5"]

    private static let regionPools = Mutex((offering: offeringRegions, lean: leanRegions, checked: false))

    /// A region for member accounts' instances only: moto keeps accounts apart, so tests that launch
    /// there in accounts of their own (`uniqueAccount`) need no region of their own. One with offerings,
    /// so that a member's Spot instance has a price.
    static let memberRegion = "ap-northeast-3"

    /// A region of the test's own, handed out one per test that must see every running instance of
    /// its region (moto keeps EC2 state per region; the shared region holds other tests' instances).
    /// Which region a test gets depends on the order tests start; what it holds never does: a test
    /// that needs moto's data for a type (a Spot price) says so with `offering`, and gets a region
    /// whose every zone has it whatever the order. `launch(spot:)` refuses a Spot launch elsewhere.
    static func privateRegion(offering types: [String] = []) -> String {
        precondition(Set(types).isSubset(of: testedTypes), "privateRegion(offering:) knows \(testedTypes) only")
        let wantsData = !types.isEmpty
        if wantsData { checkOfferingRegions() }
        return regionPools.withLock { pools in
            if !wantsData, !pools.lean.isEmpty { return pools.lean.removeFirst() }
            precondition(!pools.offering.isEmpty, "MotoServer's regions ran out: add regions, or share one between tests")
            return pools.offering.removeFirst()
        }
    }

    /// Whether moto's data offers every tested type in every zone of `region` (the shared region,
    /// the member region and the offering regions do).
    static func hasOfferings(_ region: String) -> Bool {
        region == "eu-west-1" || region == memberRegion || offeringRegions.contains(region)
    }

    /// Holds the offering regions to moto's own data once, so that a moto upgrade that drops a type
    /// from a region fails here, naming it, rather than in a price a test expects.
    private static func checkOfferingRegions() {
        let unchecked = regionPools.withLock { pools in
            defer { pools.checked = true }
            return !pools.checked
        }
        guard unchecked, let moto = try? MotoServer.get() else { return }
        let candidates = ["eu-west-1", memberRegion] + offeringRegions
        let answer = try? moto.fixture(["op": "regions_offering", "types": testedTypes, "candidates": candidates])
        let offered = Set(answer?["regions"] as? [String] ?? [])
        let missing = candidates.filter { !offered.contains($0) }
        precondition(missing.isEmpty, "moto's EC2 data does not offer \(testedTypes) in every zone of \(missing): move them out of MotoServer.offeringRegions")
    }

    /// A name no other test uses, for tables and topics.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

extension String {
    func leftPadded(to length: Int, with character: Character = "0") -> String {
        count >= length ? self : String(repeating: character, count: length - count) + self
    }
}
