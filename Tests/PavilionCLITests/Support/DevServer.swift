import Foundation
import PavilionCore
import PavilionTestSupport

/// A running `serve --dev`, with what it printed so far.
final class DevServer: @unchecked Sendable {
    private let process: Spawn.Child
    private let lock = NSLock()
    private var out = Data()

    init(data: URL, connectors: URL) throws {
        process = try Spawn.start(TestEnvironment.pavilionBinary.path,
                                  ["serve", "--dev", "--data", data.path, "--connectors", connectors.path, "--port", "0"],
                                  stdout: .pipe, stderr: .discard)
        process.closeInput()
        let child = process
        Thread { [weak self] in
            while true {
                let chunk = child.availableOutput()
                if chunk.isEmpty { return }
                guard let self else { return }
                self.lock.withLock { self.out.append(chunk) }
            }
        }.start()
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }

    /// Wait (bounded) until the curl example has been printed.
    func waitUntilReady(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            if stdout.contains("/v1/verifications\n") { return true }
            usleep(50_000)
        }
        return false
    }

    /// The process id (for signals).
    var pid: Int32 { process.pid }

    /// What `dev.json` says (base URL, CA file, keys).
    static func devJSON(_ data: URL) throws -> JSONValue {
        try JSONParser().parse(String(contentsOf: data.appendingPathComponent("dev.json"), encoding: .utf8))
    }

    func stop() -> Int32 {
        process.signal(SIGTERM)
        return process.wait()
    }
}
