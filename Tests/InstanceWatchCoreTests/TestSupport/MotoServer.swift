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

    /// Regions handed out one per test that must see every running instance of its region (moto
    /// keeps EC2 state per region; the shared region holds other tests' instances).
    private static let privateRegions = Mutex([
        "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-2", "eu-west-3",
        "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "sa-east-1",
        "eu-south-1", "eu-south-2", "eu-central-2", "me-south-1", "me-central-1", "af-south-1", "ap-east-1",
        "ap-northeast-3", "ap-southeast-3", "ap-south-2", "il-central-1", "ca-west-1",
        "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "mx-central-1",
    ])

    /// A region for member accounts' instances only: moto keeps accounts apart, so tests that launch
    /// there in accounts of their own (`uniqueAccount`) need no region of their own. A real region:
    /// moto's EC2 has no subnets, so launches no instance, in a region it does not know.
    static let memberRegion = "ap-east-2"

    static func privateRegion() -> String {
        privateRegions.withLock { regions in
            precondition(!regions.isEmpty, "MotoServer.privateRegions ran out: add more regions")
            return regions.removeFirst()
        }
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
