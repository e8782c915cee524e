import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

@Suite("The routes document")
struct RoutesDocumentTests {
    @Test("the documented example reads as owners (compared without regard to case), accounts and a default")
    func example() throws {
        let routes = try RoutesDocument.parse("""
            {
              "owners": {
                "payments": {"slackWebhook": "https://hooks.slack.com/services/T/B/1", "slackChannel": "#payments"},
                "Data":     {"slackWebhook": "https://hooks.slack.com/services/T/B/2", "teamsWebhook": "https://example.webhook.office.com/x"}
              },
              "accounts": {"111111111111": "data"},
              "default":  {"slackWebhook": "https://hooks.slack.com/services/T/B/3"}
            }
            """)
        #expect(Set(routes.owners.keys) == ["payments", "data"])
        #expect(routes.owners["payments"]?.slackChannel == "#payments" && routes.owners["data"]?.teamsWebhook != nil)
        #expect(routes.accounts == ["111111111111": "data"])
        #expect(routes.defaultDestination?.slackWebhook?.absoluteString == "https://hooks.slack.com/services/T/B/3")
    }

    @Test("every mistake is refused with its place, and a URL's value is never repeated", arguments: [
        (#"{"owner": {}}"#, "at owner: unknown key \"owner\""),
        (#"{"owners": {"payments": {"slackWebhok": "https://hooks.slack.com/services/T/B/SECRET"}}}"#, "at owners.payments.slackWebhok: unknown key"),
        (#"{"owners": {"payments": {"slackWebhook": "http://hooks.slack.com/services/T/B/SECRET"}}}"#, "at owners.payments.slackWebhook: expected an https:// URL"),
        (#"{"owners": {"payments": {"slackWebhook": 7}}}"#, "at owners.payments.slackWebhook: expected a non-empty string, found a number"),
        (#"{"owners": {"payments": {}}}"#, "at owners.payments: names no destination"),
        (##"{"owners": {"a": {"slackChannel": "#a"}, "A": {"slackChannel": "#b"}}}"##, "at owners.A: names the same owner"),
        (#"{"accounts": {"1234": "payments"}}"#, "at accounts.1234: expected a 12-digit account id"),
        (#"{"accounts": {"111111111111": "nobody"}}"#, "at accounts.111111111111: routes to \"nobody\", which owners does not name"),
        (#"{"default": []}"#, "at default: expected an object, found an array"),
        (#"["owners"]"#, "at the top: expected an object"),
        ("{\n  \"owners\": {\n    \"a\": {\"slackChannel\": \"#a\",}\n  }\n}", "at line 3, column 32: expected a member name"),
        ("{\"default\": {\"slackChannel\": \"#a\"}, \"default\": {}}", "at line 1, column 37: \"default\" appears twice"),
        ("{\"owners\": {}", "at line 1, column 14: the document ends inside an object"),
    ])
    func refused(document: String, expected: String) {
        #expect(throws: RoutesDocument.Problem.self) { try RoutesDocument.parse(document) }
        do {
            _ = try RoutesDocument.parse(document)
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
            #expect(!error.description.contains("SECRET"))
        }
    }
}

@Suite("Who owns an instance")
struct OwnershipTests {
    let ownership = Ownership(accounts: ["111111111111": "data"])

    @Test("the first owner tag present wins; an empty one names nobody; else the account's owner; else nobody")
    func owner() {
        #expect(ownership.owner(tags: ["team": "data", "owner": "payments"], account: nil) == "payments")
        #expect(ownership.owner(tags: ["instance-watch:owner": "alice@example.com", "owner": "payments"], account: nil) == "alice@example.com")
        #expect(ownership.owner(tags: ["owner": " ", "Team": "ops"], account: nil) == "ops")
        #expect(ownership.owner(tags: [:], account: "111111111111") == "data")
        #expect(ownership.owner(tags: ["Name": "web"], account: "222222222222") == nil)
        #expect(Ownership(tags: ["cost-center"]).owner(tags: ["owner": "payments", "cost-center": "cc-7"], account: nil) == "cc-7")
    }

    @Test("an owner is an e-mail address only when it looks like one and could not split a header", arguments: [
        ("alice@example.com", true), ("a.b+tag@sub.example.co.uk", true), ("payments", false), ("@example.com", false),
        ("alice@localhost", false), ("alice@example.com\nBcc: x@y.z", false), ("alice <a@b.c>", false), ("a@b@c.d", false),
    ])
    func emailAddress(owner: String, isAddress: Bool) {
        #expect(Ownership.isEmailAddress(owner) == isAddress)
    }
}

@Suite("Reading JSON with its places")
struct JSONDocumentTests {
    @Test("values, escapes and surrogate pairs read as JSON defines them")
    func values() throws {
        let document = try JSONDocument.parse(#"{"a": [1, -2.5e1, true, false, null], "b": "\u00e9\ud83d\ude00\n\"x\""}"#)
        #expect(document == .object([("a", .array([.number(1), .number(-25), .bool(true), .bool(false), .null])), ("b", .string("é😀\n\"x\""))]))
    }

    @Test("what is not JSON is refused with its line and column", arguments: [
        ("{\"a\": tru}", 1, 7), ("[1,]", 1, 4), ("{\"a\": 01}", 1, 7), ("\"a\nb\"", 1, 3), ("{}\n x", 2, 2), ("[\"é\", x]", 1, 7),
    ])
    func refused(text: String, line: Int, column: Int) {
        do {
            _ = try JSONDocument.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
        }
    }

    @Test("nesting deeper than the limit is refused, not recursed into")
    func depth() {
        #expect(throws: JSONDocument.SyntaxError.self) { try JSONDocument.parse(String(repeating: "[", count: 100_000)) }
        #expect((try? JSONDocument.parse(String(repeating: "[", count: 10) + String(repeating: "]", count: 10))) != nil)
    }
}
