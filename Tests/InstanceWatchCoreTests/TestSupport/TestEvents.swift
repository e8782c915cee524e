import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The events tests send: the repository's samples (`events/`), the public malformed one, and
/// schedule ticks.
enum TestEvents {
    static let samples = TestPaths.repositoryRoot.appendingPathComponent("events")
    /// The instance id every sample names.
    static let sampleInstanceId = "i-0123456789abcdef0"

    /// A sample from `events/`, about `instanceId` when given.
    static func sample(_ name: String, instanceId: String? = nil) throws -> String {
        let text = try String(contentsOf: samples.appendingPathComponent(name), encoding: .utf8)
        return instanceId.map { text.replacing(sampleInstanceId, with: $0) } ?? text
    }

    /// Powertools' sample, which names the instance `detail.instance_id`: no `detail.instance-id`.
    static func malformed() throws -> String {
        try String(contentsOf: TestPaths.fixtures.appendingPathComponent("events/ec2-state-change-terminated.powertools-MALFORMED.json"), encoding: .utf8)
    }

    /// The UptimeChecker's schedule event, ticking at `time` in `region`. Each has an id of its own,
    /// as EventBridge gives each scheduled event: the same string sent twice is Lambda retrying a run.
    static func tick(at time: UTCDateTime, region: String) -> String {
        #"{"version":"0","id":"\#(UUID().uuidString.lowercased())","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"\#(time.extendedISO8601)","region":"\#(region)","resources":[],"detail":{}}"#
    }

    /// An EC2 state-change event about `id`, entering `state` at `time`.
    static func stateChange(_ id: String, _ state: String, at time: UTCDateTime, account: String = "123456789012", region: String) -> String {
        #"{"version":"0","id":"\#(UUID().uuidString.lowercased())","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"\#(account)","time":"\#(time.extendedISO8601)","region":"\#(region)","resources":["arn:aws:ec2:\#(region):\#(account):instance/\#(id)"],"detail":{"instance-id":"\#(id)","state":"\#(state)"}}"#
    }
}
