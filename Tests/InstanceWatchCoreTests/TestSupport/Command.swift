import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Runs a command to completion and returns its exit status and output (stdout, then stderr).
@discardableResult
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil,
                workingDirectory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    if let environment { process.environment = environment }
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(input) }
    try stdin.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child cannot fill one and block.
    let errorOutput = OutputBox()
    let errorDone = DispatchSemaphore(value: 0)
    let errorHandle = stderr.fileHandleForReading
    DispatchQueue.global().async {
        errorOutput.data = errorHandle.readDataToEndOfFile()
        errorDone.signal()
    }
    let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
    errorDone.wait()
    let errorData = errorOutput.data
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

private final class OutputBox: @unchecked Sendable {
    var data = Data()
}
