import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

@Suite("The policies document")
struct PoliciesDocumentTests {
    @Test("the documented example reads as a default, an OU and two accounts")
    func example() throws {
        let policies = try PoliciesDocument.parse("""
            {
              "default":  {"threshold": "6h", "alertOn": "uptime", "autoStop": "off"},
              "organizationalUnits": {
                "ou-ab12-sandbox1": {"threshold": "8h", "autoStop": "on", "stopAfter": "12h"}
              },
              "accounts": {
                "111111111111": {"threshold": "off"},
                "222222222222": {"alertOn": "idle", "managedInstances": "alert"}
              }
            }
            """)
        #expect(policies.defaultSettings == PolicySettings(threshold: .after(seconds: 21_600), alertOn: .uptime, autoStop: .off))
        #expect(policies.organizationalUnits == ["ou-ab12-sandbox1": PolicySettings(threshold: .after(seconds: 28_800), autoStop: .on, stopAfter: 43_200)])
        #expect(policies.accounts["111111111111"] == PolicySettings(threshold: .off))
        #expect(policies.accounts["222222222222"] == PolicySettings(alertOn: .idle, managedInstances: .alert))
    }

    @Test("every mistake is refused with its place, and no value is repeated", arguments: [
        (#"{"defaults": {}}"#, "at defaults: unknown key (expected default, organizationalUnits or accounts)"),
        (#"{"default": {"stopAfer": "12h"}}"#, "at default.stopAfer: unknown key"),
        (#"{"default": {"threshold": "SECRET"}}"#, "at default.threshold: expected off or a whole number with a unit"),
        (#"{"default": {"threshold": "0"}}"#, "at default.threshold: expected off or"),
        (#"{"default": {"threshold": 6}}"#, "at default.threshold: expected a string, found a number"),
        (#"{"default": {"alertOn": "SECRET"}}"#, "at default.alertOn: expected uptime or idle"),
        (#"{"default": {"autoStop": "yes"}}"#, "at default.autoStop: expected off, dry-run or on"),
        (#"{"default": {"managedInstances": "stop"}}"#, "at default.managedInstances: expected skip or alert"),
        (#"{"organizationalUnits": {"ou-ab12-sandbox1": {"stopAfter": "30m"}}}"#, "at organizationalUnits.ou-ab12-sandbox1.stopAfter: is under 1h"),
        (#"{"organizationalUnits": {"ou-ab12-sandbox1": {"stopAfter": "soon"}}}"#, "at organizationalUnits.ou-ab12-sandbox1.stopAfter: expected a whole number"),
        (#"{"organizationalUnits": {"sandbox": {}}}"#, "at organizationalUnits.sandbox: expected an OU id such as ou-ab12-34cd56ef"),
        (#"{"organizationalUnits": {"r-ab12": {}}}"#, "at organizationalUnits.r-ab12: expected an OU id"),
        (#"{"organizationalUnits": {"ou-AB12-sandbox1": {}}}"#, "at organizationalUnits.ou-AB12-sandbox1: expected an OU id"),
        (#"{"accounts": {"1111": {}}}"#, "at accounts.1111: expected a 12-digit account id"),
        (#"{"accounts": {"111111111111": "off"}}"#, "at accounts.111111111111: expected an object, found a string"),
        (#"["default"]"#, "at the top: expected an object"),
        ("{\"default\": {\"threshold\": \"6h\",}}", "at line 1, column 32: expected a member name"),
    ])
    func refused(document: String, expected: String) {
        do {
            _ = try PoliciesDocument.parse(document)
            Issue.record("\(document) was taken")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
            #expect(!error.description.contains("SECRET"))
        }
    }

    @Test("OU ids: Organizations' form only")
    func organizationalUnitIds() {
        #expect(PoliciesDocument.isOrganizationalUnitId("ou-ab12-34cd56ef"))
        #expect(PoliciesDocument.isOrganizationalUnitId("ou-abcd1234efgh5678ijkl9012mnop3456-abcdefgh"))
        #expect(!PoliciesDocument.isOrganizationalUnitId("ou-ab1-34cd56ef"))
        #expect(!PoliciesDocument.isOrganizationalUnitId("ou-ab12-34cd56e"))
        #expect(!PoliciesDocument.isOrganizationalUnitId("ou-ab12-34cd56ef-x"))
        #expect(!PoliciesDocument.isOrganizationalUnitId("r-ab12"))
    }
}
