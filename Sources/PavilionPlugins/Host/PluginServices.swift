import Foundation

/// One line a plugin logged through the host's `log` service, already
/// stamped, redacted and bounded.
public struct PluginLogRecord: Sendable, Hashable {
    /// Severity, as `PV_LOG_*` defines it.
    public enum Level: String, Sendable, Hashable {
        case debug, info, warn, error

        init(raw: UInt32) {
            switch raw {
            case 0: self = .debug
            case 1: self = .info
            case 2: self = .warn
            default: self = .error
            }
        }
    }

    /// The connector's manifest name.
    public var connector: String
    /// The host's number for the instance that logged (unique per process).
    public var instanceID: UInt64
    /// The severity.
    public var level: Level
    /// The message: valid UTF-8, control characters other than tab replaced,
    /// secret values replaced with `[REDACTED]`, at most
    /// ``PluginLogRecord/maxMessageBytes`` bytes plus a truncation note.
    public var message: String

    /// Longest message kept, in bytes of UTF-8.
    public static let maxMessageBytes = 2048
}

/// Where plugin log lines go. The host supplies one; it may be called from
/// any thread, concurrently.
public protocol PluginLogSink: Sendable {
    /// Receive one line.
    /// - Parameter record: the stamped, redacted line.
    func write(_ record: PluginLogRecord)
}

/// The source of tenant-scoped secrets (client secrets, API keys).
public protocol SecretProvider: Sendable {
    /// The value of secret `name` for `tenant` and `connector`, or `nil` when
    /// that tenant has not configured it. Only names the manifest declares in
    /// `spec.secrets` are ever asked for. The host wipes its copies when the
    /// plugin call that asked returns.
    /// - Parameters:
    ///   - tenant: the relying party the exchange runs for.
    ///   - connector: the connector's manifest name.
    ///   - name: the declared secret name.
    /// - Returns: the value, or `nil`.
    func secret(tenant: String, connector: String, name: String) -> [UInt8]?
}

/// The clock plugins read through the `clock_ms` service.
public protocol PluginClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
}

/// The wall clock.
public struct SystemPluginClock: PluginClock {
    /// A wall clock.
    public init() {}

    /// Milliseconds since the Unix epoch, from `Date()`.
    public func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// A clock that always says the same time, for replaying recorded exchanges.
public struct FixedPluginClock: PluginClock {
    /// The time it says.
    public var milliseconds: Int64

    /// - Parameter milliseconds: the fixed time, since the Unix epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// ``milliseconds``.
    public func nowMilliseconds() -> Int64 { milliseconds }
}

/// A secret provider with no secrets.
public struct NoSecrets: SecretProvider {
    /// An empty provider.
    public init() {}

    /// Always `nil`.
    public func secret(tenant: String, connector: String, name: String) -> [UInt8]? { nil }
}

/// A log sink that drops everything.
public struct DiscardingLogSink: PluginLogSink {
    /// A sink that drops lines.
    public init() {}

    /// Does nothing.
    public func write(_ record: PluginLogRecord) {}
}

/// What the host offers every plugin it loads: where logs go, where secrets
/// come from, and what time it is.
public struct PluginServices: Sendable {
    /// Receives plugin log lines.
    public var logSink: any PluginLogSink
    /// Supplies tenant-scoped secrets.
    public var secrets: any SecretProvider
    /// The time plugins see.
    public var clock: any PluginClock

    /// - Parameters:
    ///   - logSink: receives plugin log lines (dropped unless given).
    ///   - secrets: supplies tenant secrets (none unless given).
    ///   - clock: the time plugins see (the wall clock unless given).
    public init(logSink: any PluginLogSink = DiscardingLogSink(), secrets: any SecretProvider = NoSecrets(),
                clock: any PluginClock = SystemPluginClock()) {
        self.logSink = logSink
        self.secrets = secrets
        self.clock = clock
    }
}
