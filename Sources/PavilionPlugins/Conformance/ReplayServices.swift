import Foundation

/// Host services for replaying recorded exchanges: the clock and the tenant
/// secrets come from the fixture file being replayed.
final class ReplayServices: PluginClock, SecretProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var fixedClock: Int64?
    private var values: [String: [UInt8]] = [:]

    /// Use `fixture`'s clock and secrets from now on.
    func use(_ fixture: RecordedFixture) {
        lock.withLock {
            fixedClock = fixture.clockMs
            values = fixture.secrets.mapValues { Array($0.utf8) }
        }
    }

    func nowMilliseconds() -> Int64 {
        lock.withLock { fixedClock } ?? SystemPluginClock().nowMilliseconds()
    }

    func secret(tenant: String, connector: String, name: String) -> [UInt8]? {
        lock.withLock { values[name] }
    }

    var services: PluginServices { PluginServices(secrets: self, clock: self) }
}
