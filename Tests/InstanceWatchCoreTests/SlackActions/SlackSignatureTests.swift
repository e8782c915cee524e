import Foundation
import Testing
@testable import InstanceWatchCore
@testable import SlackActions
import Support

@Suite("Slack's request signature")
struct SlackSignatureTests {
    // The worked example in Slack's documentation, "Verifying requests from Slack"
    // (docs.slack.dev/authentication/verifying-requests-from-slack): secret, timestamp, body and signature as published.
    static let documentedSecret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let documentedTimestamp = "1531420618"
    static let documentedBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    static let documentedSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

    let atTheTime = Date(timeIntervalSince1970: 1_531_420_618 + 30)

    @Test("Slack's documented example signs and verifies as published")
    func documentedExample() {
        #expect(SlackSignature.sign(secret: Self.documentedSecret, timestamp: Self.documentedTimestamp, body: Array(Self.documentedBody.utf8)) == Self.documentedSignature)
        #expect(SlackSignature.verify(secret: Self.documentedSecret, timestamp: Self.documentedTimestamp, signature: Self.documentedSignature,
                                      body: Array(Self.documentedBody.utf8), now: atTheTime) == .valid)
    }

    @Test("a changed body, a changed secret, a wrong or truncated signature, a timestamp more than 5 minutes off either way, missing headers: refused")
    func refusals() {
        let body = Array(Self.documentedBody.utf8)
        func verify(secret: String = Self.documentedSecret, timestamp: String? = Self.documentedTimestamp, signature: String? = Self.documentedSignature,
                    body: [UInt8] = body, now: Date? = nil) -> SlackSignature.Verdict {
            SlackSignature.verify(secret: secret, timestamp: timestamp, signature: signature, body: body, now: now ?? atTheTime)
        }
        #expect(verify(body: body + [UInt8(ascii: "x")]) == .mismatch)
        #expect(verify(secret: "another-secret") == .mismatch)
        #expect(verify(signature: String(Self.documentedSignature.dropLast())) == .mismatch)
        #expect(verify(signature: Self.documentedSignature.uppercased()) == .mismatch)
        #expect(verify(now: Date(timeIntervalSince1970: 1_531_420_618 + 301)) == .staleTimestamp)
        #expect(verify(now: Date(timeIntervalSince1970: 1_531_420_618 - 301)) == .staleTimestamp)
        #expect(verify(now: Date(timeIntervalSince1970: 1_531_420_618 + 300)) == .valid)
        #expect(verify(timestamp: "soon") == .staleTimestamp)
        #expect(verify(timestamp: nil) == .missingHeaders && verify(signature: "") == .missingHeaders)
    }

    @Test("the comparison looks at every byte and at the lengths")
    func constantTime() {
        #expect(SlackSignature.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!SlackSignature.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!SlackSignature.constantTimeEqual(Array("abc".utf8), Array("abc\0".utf8)))
        #expect(!SlackSignature.constantTimeEqual([], Array("a".utf8)))
        // Lengths that differ by a multiple of 256 once compared equal when the tail was NULs.
        #expect(!SlackSignature.constantTimeEqual(Array("abc".utf8), Array("abc".utf8) + [UInt8](repeating: 0, count: 256)))
    }

    @Test("timestamps outside any sane range are stale, never arithmetic: Int64.min, Int64.max, signs, spaces, 13 digits", arguments: [
        "-9223372036854775808", "9223372036854775807", "-1531420618", "+1531420618", " 1531420618", "1531420618 ", "1531420618000", "0x5B4A1B4A",
    ])
    func hostileTimestamps(_ timestamp: String) {
        let body = Array(Self.documentedBody.utf8)
        let signature = SlackSignature.sign(secret: Self.documentedSecret, timestamp: timestamp, body: body)
        #expect(SlackSignature.verify(secret: Self.documentedSecret, timestamp: timestamp, signature: signature, body: body, now: atTheTime) == .staleTimestamp)
    }

    @Test("an empty or blank signing secret refuses to start, naming the variable and not a value")
    func blankSecret() throws {
        for blank in ["", "   ", "\n\t"] {
            #expect(throws: ConfigurationError.self) { try SlackSignature.checkedSecret(blank) }
        }
        #expect(try SlackSignature.checkedSecret("8f742231b10e8888abcd99yyyzzz85a5") == "8f742231b10e8888abcd99yyyzzz85a5")
    }

    @Test("a button's value names an instance, or nothing")
    func buttonValue() {
        let value = SlackButtonValue(instanceId: "i-0abc123", account: "111111111111", region: "eu-west-1", runStartedAt: 1_763_712_000)
        #expect(SlackButtonValue.decode(value.encoded) == value)
        #expect(SlackButtonValue.decode(#"{"i":"i-0abc; rm -rf","r":"eu-west-1"}"#) == nil)
        #expect(SlackButtonValue.decode(#"{"i":"sg-0abc","r":"eu-west-1"}"#) == nil)
        #expect(SlackButtonValue.decode("not json") == nil)
    }
}
