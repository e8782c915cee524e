import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("EC2 events from EventBridge")
struct EC2EventTests {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("events")

    func fixture(_ name: String, replacing placeholders: [String: String] = [:]) throws -> Data {
        var text = try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
        for (placeholder, value) in placeholders { text = text.replacing(placeholder, with: value) }
        return Data(text.utf8)
    }

    func stateChange(_ state: String, id: String = "i-0b662ef9931388ba0", time: String = "2026-11-21T08:00:00Z") -> Data {
        Data(#"{"version":"0","id":"e","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"\#(time)","region":"eu-west-1","resources":[],"detail":{"instance-id":"\#(id)","state":"\#(state)"}}"#.utf8)
    }

    @Test("the SAM template's pending notification is a state change")
    func pendingFixture() throws {
        guard case .stateChange(let change) = try EC2Event.parse(fixture("ec2-state-change-pending.sam-app-templates.json")) else {
            Issue.record("not a state change"); return
        }
        #expect(change.instanceId == "i-abcd1111" && change.state == .pending && change.region == "us-east-1")
        #expect(change.time.extendedISO8601 == "2015-11-11T21:29:54Z")
    }

    @Test("the node-termination-handler Spot warning and rebalance recommendation")
    func interruptionFixtures() throws {
        guard case .spotInterruptionWarning(let warning) = try EC2Event.parse(fixture("ec2-spot-interruption-warning.nth.json")) else {
            Issue.record("not a Spot warning"); return
        }
        #expect(warning.instanceId == "i-0b662ef9931388ba0" && warning.action == "terminate")
        guard case .rebalanceRecommendation(let rebalance) = try EC2Event.parse(fixture("ec2-rebalance-recommendation.nth.json")) else {
            Issue.record("not a rebalance recommendation"); return
        }
        #expect(rebalance.action == nil)
        #expect(warning.region == "us-east-1" && rebalance.instanceId == "i-0b662ef9931388ba0")
    }

    @Test("the malformed Powertools event is an error naming detail.instance-id")
    func malformedFixture() throws {
        #expect(throws: MalformedEvent(field: "detail.instance-id", problem: "is missing")) {
            try EC2Event.parse(fixture("ec2-state-change-terminated.powertools-MALFORMED.json"))
        }
    }

    @Test("the scheduled event is not an EC2 event")
    func scheduled() throws {
        let event = try EC2Event.parse(fixture("scheduled-event.sam-cli-TEMPLATE.json"))
        #expect(event == .other(source: "aws.events", detailType: "Scheduled Event"))
    }

    @Test("every state parses, in lifecycle order", arguments: InstanceState.allCases)
    func states(_ state: InstanceState) throws {
        guard case .stateChange(let change) = try EC2Event.parse(stateChange(state.rawValue)) else { Issue.record("no"); return }
        #expect(change.state == state)
    }

    @Test("each wrong field is named", arguments: [
        (#"{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","time":"2026-11-21T08:00:00Z","detail":{"instance-id":"i-0b662ef9931388ba0","state":"melting"}}"#, "detail.state"),
        (#"{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","time":"2026-11-21T08:00:00Z","detail":{"instance-id":42,"state":"running"}}"#, "detail.instance-id"),
        (#"{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","time":"2026-11-21T08:00:00Z","detail":{"instance-id":"../../etc","state":"running"}}"#, "detail.instance-id"),
        (#"{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","time":"yesterday","detail":{"instance-id":"i-0b662ef9931388ba0","state":"running"}}"#, "time"),
        (#"{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{"instance-id":"i-0b662ef9931388ba0","state":"running"}}"#, "time"),
        (#"{"source":"aws.ec2","detail-type":"EC2 Spot Instance Interruption Warning","time":"2026-11-21T08:00:00Z","detail":[]}"#, "detail"),
        (#"{"source":"aws.ec2","time":"2026-11-21T08:00:00Z"}"#, "detail-type"),
        (#"{"detail-type":"x","source":7}"#, "source"),
    ])
    func namesField(_ json: String, _ field: String) {
        #expect {
            try EC2Event.parse(Data(json.utf8))
        } throws: { error in
            (error as? MalformedEvent)?.field == field
        }
    }

    @Test("bytes that are not JSON are malformed, naming the event as a whole")
    func notJSON() {
        #expect(throws: MalformedEvent(field: "", problem: "is not valid JSON")) { try EC2Event.parse(Data([0xFF, 0xFE, 0x00])) }
    }

    @Test("other sources and other EC2 detail types are not errors")
    func others() throws {
        #expect(try EC2Event.parse(Data(#"{"source":"aws.s3","detail-type":"Object Created","detail":{}}"#.utf8)) == .other(source: "aws.s3", detailType: "Object Created"))
        #expect(try EC2Event.parse(Data(#"{"source":"aws.ec2","detail-type":"EC2 AMI State Change","detail":{}}"#.utf8)) == .other(source: "aws.ec2", detailType: "EC2 AMI State Change"))
    }

    @Test("a state change's account and region go into the table: a wrong shape is an error naming the field")
    func accountAndRegionOfStateChanges() {
        let good = String(decoding: stateChange("running"), as: UTF8.self)
        #expect(throws: MalformedEvent(field: "account", problem: "\"<account_number>\" is not a 12-digit AWS account id")) {
            try EC2Event.parse(Data(good.replacing("123456789012", with: "<account_number>").utf8))
        }
        #expect {
            try EC2Event.parse(Data(good.replacing("\"eu-west-1\"", with: "\"eu-west-1#x\"").utf8))
        } throws: { ($0 as? MalformedEvent)?.field == "region" }
        #expect(EventBridgeEvent.isRegionName("us-gov-west-1") && EventBridgeEvent.isRegionName("ap-southeast-4"))
        #expect(!EventBridgeEvent.isRegionName("EU-west-1") && !EventBridgeEvent.isRegionName("eu-west") && !EventBridgeEvent.isRegionName("eu--1"))
    }

    @Test("a Spot warning with an account of the wrong shape still goes out, without the account")
    func lenientWarnings() throws {
        guard case .spotInterruptionWarning(let warning) = try EC2Event.parse(fixture("ec2-spot-interruption-warning.nth.json")) else {
            Issue.record("not a Spot warning"); return
        }
        #expect(warning.account == "" && warning.region == "us-east-1")
    }
}
