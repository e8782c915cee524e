import Foundation

/// A test peer (a Python script from `Tests/Peers`) running on a free loopback port for one test.
/// It prints `PORT <n>` (and other `KEY value` lines) when ready, and exits when its stdin closes,
/// so a peer never outlives the test that started it, even if the test process dies.
final class LocalPeer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let announcements: [String: String]
    private let stdin = Pipe()
    private let stdout = Pipe()

    init(script: String, arguments: [String] = [], environment: [String: String] = [:], announcedKeys: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.peers.appendingPathComponent(script).path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var values: [String: String] = [:]
        var reader = LineReader(handle: stdout.fileHandleForReading)
        for key in ["PORT"] + announcedKeys {
            guard let line = reader.nextLine() else {
                throw PeerError.didNotStart(script: script, waitingFor: key)
            }
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0] == key else { throw PeerError.unexpectedOutput(script: script, line: line) }
            values[key] = String(parts[1])
        }
        guard let port = values["PORT"].flatMap(Int.init) else { throw PeerError.didNotStart(script: script, waitingFor: "PORT") }
        self.port = port
        self.announcements = values
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    enum PeerError: Error, CustomStringConvertible {
        case didNotStart(script: String, waitingFor: String)
        case unexpectedOutput(script: String, line: String)

        var description: String {
            switch self {
            case .didNotStart(let script, let key): return "\(script) exited before announcing \(key)"
            case .unexpectedOutput(let script, let line): return "\(script) printed \(line)"
            }
        }
    }
}

/// Reads lines from a pipe one byte at a time, so nothing after the line is consumed.
struct LineReader {
    let handle: FileHandle

    mutating func nextLine() -> String? {
        var bytes: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
