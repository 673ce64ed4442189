import Foundation
@testable import PavilionStore
import PavilionTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A writer process is SIGKILLed mid-stream; afterwards the chain verifies
/// and every verification it reported as committed is there with its audit
/// record. The writer is this test binary itself, re-run with
/// ``writerEnvironment`` set so that ``testWriterHelperWritesUntilKilled``
/// becomes the writer (it skips in a normal run).
final class CrashSafetyTests: XCTestCase {
    static let writerEnvironment = "PAVILION_STORE_CRASH_WRITER_DIR"
    static let tenant = "crash-tenant"

    func testWriterHelperWritesUntilKilled() async throws {
        guard let dir = ProcessInfo.processInfo.environment[Self.writerEnvironment] else {
            throw XCTSkip("runs only as the writer child of testKilledWriterLeavesAnIntactChain")
        }
        let store = try SQLiteStore(dataDirectory: dir, configuration: .init(checkpointInterval: 25))
        let tenant = try TenantID(Self.tenant)
        let out = FileHandle.standardOutput
        for n in 1...1_000_000 {
            let (record, entry) = try StoreFixture.verification(n, tenant: tenant)
            _ = try await store.recordVerification(record, audit: entry)
            out.write(Data("committed \(n)\n".utf8))
        }
    }

    func testKilledWriterLeavesAnIntactChain() async throws {
        let dir = try StoreFixture.makeDirectory(self)
        do {
            let store = try StoreFixture.open(dir, checkpointInterval: 25)
            _ = try await store.createTenant(id: TenantID(Self.tenant), name: "Crash")
        }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.writerEnvironment] = dir.path
        let process = try Spawn.start(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                                      ["PavilionStoreTests.CrashSafetyTests/testWriterHelperWritesUntilKilled"],
                                      environment: environment, stdout: .pipe, stderr: .discard)
        process.closeInput()

        let progress = CommitProgress()
        let target = 150
        let reader = Thread {
            var buffer = Data()
            while true {
                let chunk = process.availableOutput()
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    if line.hasPrefix("committed "), let n = Int(line.dropFirst("committed ".count)) {
                        progress.report(n, reached: n >= target)
                    }
                }
            }
            progress.finish()
        }
        reader.start()
        let reached = progress.wait(timeout: .now() + 120)
        process.signal(SIGKILL)
        XCTAssertEqual(process.wait(), SIGKILL)
        XCTAssertTrue(reached, "the writer committed only \(progress.committed) before the deadline")
        XCTAssertEqual(process.endedBySignal, true)
        let committed = progress.committed
        XCTAssertGreaterThanOrEqual(committed, target)

        let store = try StoreFixture.open(dir, checkpointInterval: 25)
        let result = try await store.verifyAuditChain()
        XCTAssertTrue(result.isIntact, "\(result.problems)")
        XCTAssertGreaterThanOrEqual(result.verificationCount, Int64(committed))
        XCTAssertEqual(result.recordCount, result.verificationCount)
        let tenant = try TenantID(Self.tenant)
        for n in [1, committed / 2, committed] {
            let (record, _) = try StoreFixture.verification(n, tenant: tenant)
            let stored = try await store.verification(id: record.id, tenant: tenant)
            XCTAssertEqual(stored, record, "verification \(n) reported committed but missing")
        }
        // The store keeps working after the crash.
        try await StoreFixture.populate(store, tenant: Self.tenant, count: 5, from: Int(result.verificationCount) + 1)
        let after = try await store.verifyAuditChain()
        XCTAssertTrue(after.isIntact, "\(after.problems)")
    }
}

/// The writer's progress as read from its output, with a deadline wait.
private final class CommitProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let signal = DispatchSemaphore(value: 0)
    private var last = 0
    private var signalled = false

    var committed: Int { lock.withLock { last } }

    func report(_ n: Int, reached: Bool) {
        let fire = lock.withLock { () -> Bool in
            last = n
            guard reached, !signalled else { return false }
            signalled = true
            return true
        }
        if fire { signal.signal() }
    }

    func finish() {
        let fire = lock.withLock { () -> Bool in
            guard !signalled else { return false }
            signalled = true
            return true
        }
        if fire { signal.signal() }
    }

    /// Whether the target was reached (rather than the writer ending) by `deadline`.
    func wait(timeout deadline: DispatchTime) -> Bool {
        signal.wait(timeout: deadline) == .success && committed > 0
    }
}
