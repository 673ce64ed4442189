import Foundation
import PavilionCore
import PavilionCrypto
@testable import PavilionManifest
import PavilionPlugins
import PavilionTestSupport
import Synchronization
import XCTest

/// Builds the C test connectors in Tests/Fixtures/plugins, once per process
/// for each (source, flags) pair.
enum Fixture {
    static let directory: URL = {
        // A process-wide scratch folder; tests never share output paths with each other.
        (try? TestEnvironment.makeTemporaryDirectory("pavilion-plugins-fixtures"))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-plugins-fixtures")
    }()

    private static let built = Mutex<[String: URL]>([:])

    /// The shared library built from `<source>.c` with `flags`.
    static func library(_ source: String, flags: [String] = []) throws -> URL {
        let key = ([source] + flags).joined(separator: "\u{1}")
        if let url = built.withLock({ $0[key] }) { return url }
        let output = directory.appendingPathComponent("\(source)-\(SHA256.hex(Array(key.utf8)).prefix(12)).so")
        _ = try compile(source, flags: flags, to: output)
        built.withLock { $0[key] = output }
        return output
    }

    /// Compile `<source>.c` with `flags` to exactly `output` (not cached).
    @discardableResult
    static func compile(_ source: String, flags: [String] = [], to output: URL) throws -> URL {
        let file = TestEnvironment.fixtures("plugins").appendingPathComponent("\(source).c")
        // Build beside the target and rename, so a library replaced "in place" changes atomically.
        let temporary = output.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).so")
        _ = try TestEnvironment.compileCConnector(source: file, output: temporary, extraFlags: flags)
        guard rename(temporary.path, output.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output.path])
        }
        return output
    }

    /// `-DNAME="value"` as one argument.
    static func define(_ name: String, _ value: String) -> String { "-D\(name)=\"\(value)\"" }
}

/// A manifest as the parser would produce it, with locations for the keys the
/// loader reports on.
func makeManifest(name: String = "fixture", version: String = "1.0.0", library: URL, sha256: String? = nil,
                  claims: [String] = ["age_over_18", "name_match"], health: Bool = true, secrets: [String] = [],
                  settings: JSONValue = ["api_base": "/v1"], file: String = "connectors.d/fixture.yaml") -> Manifest {
    let pin = sha256 ?? ((try? SHA256.hexOfFile(atPath: library.path)) ?? "")
    func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
    return Manifest(
        file: file,
        metadata: .init(name: name, provider: "Test DP", version: version),
        library: .init(path: library.path, declaredPath: library.lastPathComponent, sha256: pin, abi: 1),
        formats: .init(input: ["json"], output: ["json"], credentials: ["vc+jwt"]),
        claims: claims.map { .init(name: $0, type: "boolean", dataCategories: ["identity"]) },
        settings: settings,
        secrets: secrets.map { .init(name: $0) },
        regions: [.init(name: "eu-west", residency: .eu, priority: 1, endpoints: ["https://dp.example"])],
        compliance: .init(jurisdictions: ["gdpr"], dataCategories: ["identity"], lawfulBases: ["consent"],
                          purposes: ["kyc"], retention: "P90D"),
        connection: .init(),
        health: health ? .init(intervalMs: 10_000, timeoutMs: 2_000) : nil,
        fixtures: [],
        locations: [
            "": at(1, 1),
            "metadata.name": at(5, 9),
            "metadata.version": at(7, 12),
            "spec.library.path": at(10, 11),
            "spec.library.sha256": at(11, 13),
            "spec.library.abi": at(12, 10),
            "spec.claims": at(14, 3),
            "spec.settings": at(20, 3),
            "spec.health": at(30, 3),
        ])
}

/// Collects plugin log lines.
final class CapturingLogSink: PluginLogSink {
    private let records = Mutex<[PluginLogRecord]>([])

    func write(_ record: PluginLogRecord) { records.withLock { $0.append(record) } }

    var all: [PluginLogRecord] { records.withLock { $0 } }
    var messages: [String] { all.map(\.message) }

    func count(_ message: String) -> Int { messages.filter { $0 == message }.count }
}

/// Secrets by tenant and name.
struct TableSecrets: SecretProvider {
    var table: [String: [String: String]]

    func secret(tenant: String, connector: String, name: String) -> [UInt8]? {
        table[tenant]?[name].map { Array($0.utf8) }
    }
}

/// A clock that can hold the calling thread until the test lets it go, so a
/// test can keep a plugin call "in flight" without sleeping.
final class GateClock: PluginClock {
    private struct State {
        var armed = false
        var entered = false
        var released = false
    }

    private let condition = NSCondition()
    private let state = Mutex(State())
    let fixed: Int64

    init(fixed: Int64 = 1_767_225_600_000) { self.fixed = fixed }

    /// The next call blocks until ``release()``.
    func arm() { state.withLock { $0 = State(armed: true) } }

    func nowMilliseconds() -> Int64 {
        condition.lock()
        defer { condition.unlock() }
        let armed = state.withLock { s -> Bool in
            guard s.armed else { return false }
            s.armed = false
            s.entered = true
            return true
        }
        guard armed else { return fixed }
        condition.broadcast()
        let deadline = Date().addingTimeInterval(10)
        while !state.withLock({ $0.released }) && condition.wait(until: deadline) {}
        return fixed
    }

    /// Wait until a call is being held.
    func waitUntilEntered(timeout: TimeInterval = 10) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while !state.withLock({ $0.entered }) {
            if !condition.wait(until: deadline) { return state.withLock { $0.entered } }
        }
        return true
    }

    func release() {
        condition.lock()
        state.withLock { $0.released = true }
        condition.broadcast()
        condition.unlock()
    }
}

/// A loader with a fresh cache folder and the given services.
func makeLoader(_ services: PluginServices = PluginServices()) throws -> LibraryLoader {
    LibraryLoader(cacheDirectory: try TestEnvironment.makeTemporaryDirectory("pavilion-plugin-cache"), services: services)
}

/// The query the fixtures understand.
func query(_ claims: [String] = ["age_over_18"], mode: String = "plain") -> JSONValue {
    ["subject": ["given_name": "Ana", "mode": .string(mode)], "claims": .array(claims.map(JSONValue.string)),
     "purpose": "kyc", "jurisdiction": "eu"]
}

/// Assert that `body` throws a ``PluginError`` with `code`, and return it.
@discardableResult
func assertRefused<T>(_ code: PluginError.Code, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> T) -> PluginError? {
    do {
        _ = try body()
        XCTFail("expected \(code.rawValue), but nothing was refused", file: file, line: line)
        return nil
    } catch let error as PluginError {
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected PluginError \(code.rawValue), got \(error)", file: file, line: line)
        return nil
    }
}

/// Assert that `body` throws a ``ConnectorFailure`` with `code`, and return it.
@discardableResult
func assertFails<T>(_ code: ConnectorFailure.Code, file: StaticString = #filePath, line: UInt = #line,
                    _ body: () throws -> T) -> ConnectorFailure? {
    do {
        let value = try body()
        XCTFail("expected \(code.rawValue), got \(value)", file: file, line: line)
        return nil
    } catch let error as ConnectorFailure {
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected ConnectorFailure \(code.rawValue), got \(error)", file: file, line: line)
        return nil
    }
}
