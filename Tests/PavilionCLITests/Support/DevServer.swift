import Foundation
import PavilionCore
import PavilionTestSupport

/// A running `serve --dev`, with what it printed so far.
final class DevServer: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var out = Data()

    init(data: URL, connectors: URL) throws {
        process.executableURL = TestEnvironment.pavilionBinary
        process.arguments = ["serve", "--dev", "--data", data.path, "--connectors", connectors.path, "--port", "0"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            self?.lock.withLock { self?.out.append(chunk) }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }

    /// Wait (bounded) until the curl example has been printed.
    func waitUntilReady(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            if stdout.contains("/v1/verifications\n") { return true }
            RunLoop.current.run(until: Date().addingTimeInterval(0.05))
        }
        return false
    }

    /// The process id (for signals).
    var pid: Int32 { process.processIdentifier }

    /// What `dev.json` says (base URL, CA file, keys).
    static func devJSON(_ data: URL) throws -> JSONValue {
        try JSONParser().parse(String(contentsOf: data.appendingPathComponent("dev.json"), encoding: .utf8))
    }

    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
