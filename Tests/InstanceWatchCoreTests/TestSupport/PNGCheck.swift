import Foundation
import Testing

/// A PNG as Python's own zlib reads it (`Tests/Peers/png_check.py`): size, palette, pixels per colour.
struct PNGCheck {
    let width: Int
    let height: Int
    let bytes: Int
    let palette: [String]
    let counts: [String: Int]
    let pixels: [String: String]

    static func read(_ png: [UInt8], points: [(Int, Int)] = []) throws -> PNGCheck {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chart-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runCommand(TestPaths.python, [TestPaths.peers.appendingPathComponent("png_check.py").path, file.path] + points.map { "\($0.0),\($0.1)" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
        return PNGCheck(width: json["width"] as? Int ?? 0, height: json["height"] as? Int ?? 0, bytes: json["bytes"] as? Int ?? 0,
                        palette: json["palette"] as? [String] ?? [], counts: json["counts"] as? [String: Int] ?? [:],
                        pixels: json["pixels"] as? [String: String] ?? [:])
    }

    /// A zlib stream's inflated length and SHA-256, by Python's zlib.
    static func inflate(_ stream: [UInt8]) throws -> (length: Int, sha256: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).z")
        try Data(stream).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try runCommand(TestPaths.python, [TestPaths.peers.appendingPathComponent("png_check.py").path, "--inflate", file.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
        return (json["length"] as? Int ?? -1, json["sha256"] as? String ?? "")
    }
}
