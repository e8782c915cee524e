import Foundation
import Testing

/// Microsoft's published Adaptive Card schema, as a check: `Tests/Peers/validate_cards.py` validates
/// Teams webhook messages (the envelope, and each card against the schema of its version).
enum AdaptiveCardSchema {
    /// The problems found in each message, in order (an empty list: valid).
    static func problems(_ messages: [Data]) throws -> [[String]] {
        try #require(FileManager.default.isExecutableFile(atPath: TestPaths.cardsPython),
                     "no card validator at \(TestPaths.cardsPython): run `make test`, which installs it")
        let list = "[" + messages.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]"
        let run = try runCommand(TestPaths.cardsPython, [TestPaths.peers.appendingPathComponent("validate_cards.py").path], input: Data(list.utf8))
        try #require(run.status == 0, "the validator failed: \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String]])
    }
}
