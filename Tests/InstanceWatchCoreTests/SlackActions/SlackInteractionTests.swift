import Foundation
import Testing
@testable import InstanceWatchCore
@testable import SlackActions

@Suite("SlackInteraction: what a click says, and what is refused")
struct SlackInteractionTests {
    let value = SlackButtonValue(instanceId: "i-0123456789abcdef0", account: "123456789012", region: "eu-west-1", runStartedAt: 1_763_712_000)

    @Test("a button: its action id and value; the answer replaces the alert")
    func button() throws {
        let body = try SlackClick.body("snooze_1d", value: value.encoded, responseURL: "https://hooks.slack.com/actions/T0/1/x")
        let interaction = try SlackInteraction.parse(formBody: Array(body.utf8))
        #expect(interaction.actionId == "snooze_1d" && SlackButtonValue.decode(interaction.value) == value && !interaction.fromDigest)
        #expect(interaction.userId == "U0ALICE" && interaction.userName == "alice" && interaction.responseURL?.host() == "hooks.slack.com")
    }

    @Test("a digest's menu: the chosen option carries the action and the value; the answer goes beside the digest")
    func menuChoice() throws {
        let option = SlackButtonAction.stopNow.menuValue(value)
        #expect(option.count <= 150, "Slack takes option values of at most 150 characters")
        let body = try SlackClick.menuChoice(SlackButtonAction.digestMenuId, option: option, responseURL: "https://hooks.slack.com/actions/T0/1/x")
        let interaction = try SlackInteraction.parse(formBody: Array(body.utf8))
        #expect(interaction.actionId == "stop_now" && SlackButtonValue.decode(interaction.value) == value && interaction.fromDigest)
        let message = SlackActionMessage.done("done", replacing: !interaction.fromDigest)
        #expect(message.replaceOriginal == false && message.responseType == "in_channel")
    }

    @Test("a menu choice without a value, another menu's choice and a form without a payload are refused")
    func refused() throws {
        let bare = try SlackClick.menuChoice(SlackButtonAction.digestMenuId, option: "snooze_1d", responseURL: "https://hooks.slack.com/x")
        #expect(throws: SlackInteraction.Malformed.self) { try SlackInteraction.parse(formBody: Array(bare.utf8)) }
        // Another menu's choice has no `value` of its own: not a click instance-watch offered.
        let other = try SlackClick.menuChoice("someone_elses_menu", option: "snooze_1d \(value.encoded)", responseURL: "https://hooks.slack.com/x")
        #expect(throws: SlackInteraction.Malformed.self) { try SlackInteraction.parse(formBody: Array(other.utf8)) }
        #expect(throws: SlackInteraction.Malformed.self) { try SlackInteraction.parse(formBody: Array("token=x".utf8)) }
    }
}
