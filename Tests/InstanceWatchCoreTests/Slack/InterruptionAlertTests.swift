import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Spot and rebalance Slack messages")
struct InterruptionAlertTests {
    let warning = EC2Event.InterruptionWarning(
        instanceId: "i-0b662ef9931388ba0", action: "terminate", time: UTCDateTime.parse("2020-10-26T14:14:14Z")!,
        account: "123456789012", region: "eu-west-1"
    )
    let instance = EC2Instance(id: "i-0b662ef9931388ba0", state: "running", type: "c5.large", availabilityZone: "eu-west-1b",
                               privateIPAddress: "10.0.1.23", lifecycle: "spot", tags: ["Name": "batch <worker> & co"])

    func json(_ message: SlackMessage) throws -> String {
        String(decoding: try JSONEncoder.lambda.encode(message), as: UTF8.self)
    }

    @Test("a Spot warning: top-level text, every field, the console button, the colour")
    func spotWarning() throws {
        let message = InterruptionAlert.message(kind: .spotInterruption, warning: warning, lookUp: .found(instance), channel: "#ops")
        #expect(message.text.contains("i-0b662ef9931388ba0") && message.text.contains("batch &lt;worker&gt; &amp; co"), "the Name is escaped in the headline too")
        #expect(message.text.contains("2020-10-26T14:16:14Z"), "when: event time + 2 minutes")
        #expect(message.channel == "#ops")
        #expect(message.attachments.first?.color == "#FFC300")
        let body = try json(message)
        for fragment in ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0b662ef9931388ba0", "10.0.1.23", "c5.large", "eu-west-1b",
                         "terminate", "batch &lt;worker&gt; &amp; co", "Spot", #""type":"button""#,
                         "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0b662ef9931388ba0"] {
            #expect(body.contains(fragment), "\(fragment) missing")
        }
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(decoded["text"] as? String == message.text)
    }

    @Test("a missing Name tag reads as such, never as None")
    func noName() throws {
        var unnamed = instance
        unnamed.tags = [:]
        let body = try json(InterruptionAlert.message(kind: .spotInterruption, warning: warning, lookUp: .found(unnamed), channel: nil))
        #expect(body.contains("(no Name tag)"))
        #expect(!body.contains("None") && !body.contains("null"))
    }

    @Test("a failed look-up still gives a message with what the event says")
    func failedLookUp() throws {
        let message = InterruptionAlert.message(kind: .spotInterruption, warning: warning, lookUp: .failed(reason: "InvalidInstanceID.NotFound"), channel: nil)
        let body = try json(message)
        #expect(message.text.contains("i-0b662ef9931388ba0"))
        #expect(body.contains("look-up failed: InvalidInstanceID.NotFound"))
        #expect(body.contains("arn:aws:ec2:eu-west-1:123456789012:instance/i-0b662ef9931388ba0"))
    }

    @Test("a rebalance recommendation is calmer and schedules nothing")
    func rebalance() {
        let calm = EC2Event.InterruptionWarning(instanceId: warning.instanceId, action: nil, time: warning.time, account: warning.account, region: warning.region)
        let message = InterruptionAlert.message(kind: .rebalanceRecommendation, warning: calm, lookUp: .found(instance), channel: nil)
        #expect(message.attachments.first?.color == InterruptionAlert.rebalanceColor)
        #expect(message.attachments.first?.color != InterruptionAlert.spotColor)
        #expect(message.text.hasPrefix("Rebalance recommendation"))
    }

    @Test("hibernation has no two-minute notice")
    func hibernate() {
        #expect(InterruptionAlert.whenText(kind: .spotInterruption, action: "hibernate", eventTime: warning.time).hasPrefix("now"))
    }
}
