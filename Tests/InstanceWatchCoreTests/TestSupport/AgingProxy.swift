import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// How the tests make time pass: the functions keep their own clock, so instances are made to look
/// old instead. EC2 is reached through this proxy in front of moto, which moves each instance's
/// `launchTime` into the past; records are written with past start times (`hoursAgo`).
struct AgingProxy {
    let server: FaultServer

    init(_ moto: MotoServer) throws {
        server = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
    }

    /// Every instance looks `seconds` older than it is, `instances` their own age.
    func age(_ seconds: Int, instances: [String: Int] = [:]) throws {
        try server.age(seconds: seconds, instances: instances)
    }

    /// What points the functions' EC2 calls here (other services still go straight to moto).
    var environment: [String: String] { ["AWS_ENDPOINT_URL_EC2": server.endpoint] }

    /// Now, by the test's clock (the same machine's clock the functions read).
    static var now: UTCDateTime { UTCDateTime(Date()) }

    /// `hours` (and `seconds`) before now, for records written in the past.
    static func ago(hours: Int = 0, seconds: Int = 0) -> UTCDateTime {
        UTCDateTime(epochSeconds: now.epochSeconds - hours * 3600 - seconds)
    }
}
