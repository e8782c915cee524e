import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// A test peer (a Python script from `Tests/Peers`) running on a free loopback port for one test.
/// It prints `PORT <n>` (and other `KEY value` lines) when ready, and exits when its stdin closes,
/// so a peer never outlives the test that started it, even if the test process dies.
final class LocalPeer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let announcements: [String: String]
    /// Where the peer's stderr goes, for reading when a test fails.
    let logPath: String
    private let stdin = Pipe()
    private let commandLock = NSLock()
    private let stdout = Pipe()

    init(script: String, arguments: [String] = [], environment: [String: String] = [:], announcedKeys: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [TestPaths.python, TestPaths.peers.appendingPathComponent(script).path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = stdin
        process.standardOutput = stdout
        // A peer's own chatter (moto logs every request) goes to a file, not into the test report.
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("instance-watch-\(script)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logPath.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: logPath)
        self.logPath = logPath.path
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
        self.reader = reader
    }

    private var reader: LineReader

    /// Sends one JSON command line to a peer that takes commands on stdin, and reads its one-line answer.
    func command(_ object: [String: Any]) throws -> [String: Any] {
        commandLock.lock()
        defer { commandLock.unlock() }
        var line = try JSONSerialization.data(withJSONObject: object)
        line.append(UInt8(ascii: "\n"))
        stdin.fileHandleForWriting.write(line)
        guard let answer = reader.nextLine() else { throw PeerError.didNotStart(script: "peer", waitingFor: "an answer to \(object)") }
        let decoded = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any] ?? [:]
        if let error = decoded["error"] as? String { throw PeerError.commandFailed(error) }
        return decoded
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Closes the peer's stdin, which every peer takes as the end (the model-checking ones leave
    /// their counts for `make test` then), and gives it a moment before it is terminated.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        let patience = Date().addingTimeInterval(3)
        while process.isRunning, Date() < patience { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    enum PeerError: Error, CustomStringConvertible {
        case didNotStart(script: String, waitingFor: String)
        case unexpectedOutput(script: String, line: String)
        case commandFailed(String)

        var description: String {
            switch self {
            case .didNotStart(let script, let key): return "\(script) exited before announcing \(key)"
            case .unexpectedOutput(let script, let line): return "\(script) printed \(line)"
            case .commandFailed(let message): return "peer command failed: \(message)"
            }
        }
    }
}

/// A loopback port that was just free and has nobody listening: connecting to it is refused.
func freePortNobodyListensOn() throws -> Int {
    let server = try LocalPeer(script: "http_test_server.py")
    let port = server.port
    server.stop()
    return port
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
