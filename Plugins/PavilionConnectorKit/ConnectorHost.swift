import Foundation

/// Log levels of `pv_host_t.log`.
public enum LogLevel: UInt32, Sendable {
    case debug = 0, info, warn, error
}

/// Services the host implements for every connector (`pv_host_t`).
///
/// Each call throws ``ConnectorError`` `host` when the host table lacks the
/// service or it fails.
public struct ConnectorHost: Sendable {
    let services: any HostServicing

    init(services: any HostServicing) { self.services = services }

    /// Write a log line (`pv_host_t.log`); dropped when the host has no logger.
    /// Never pass personal data.
    /// - Parameters:
    ///   - level: the level.
    ///   - message: the text.
    public func log(_ level: LogLevel, _ message: String) { services.log(level.rawValue, message) }

    /// The host's wall clock (`pv_host_t.clock_ms`), fixed during fixture replays.
    /// - Returns: the current time.
    /// - Throws: ``ConnectorError`` `host` when the host has no clock.
    public func now() throws(ConnectorError) -> Date {
        Date(timeIntervalSince1970: Double(try services.clockMilliseconds()) / 1000)
    }

    /// The host's wall clock in milliseconds since the Unix epoch.
    /// - Returns: milliseconds.
    /// - Throws: ``ConnectorError`` `host` when the host has no clock.
    public func nowMilliseconds() throws(ConnectorError) -> Int64 { try services.clockMilliseconds() }

    /// `count` bytes from the host's CSPRNG (`pv_host_t.random`).
    /// - Parameter count: how many bytes.
    /// - Returns: the bytes.
    /// - Throws: ``ConnectorError`` `host`.
    public func randomBytes(_ count: Int) throws(ConnectorError) -> [UInt8] { try services.random(count) }

    /// SHA-256 of `data` (`pv_host_t.sha256`).
    /// - Parameter data: the input.
    /// - Returns: 32 bytes.
    /// - Throws: ``ConnectorError`` `host`.
    public func sha256(_ data: [UInt8]) throws(ConnectorError) -> [UInt8] { try services.sha256(data) }

    /// HMAC-SHA-256 of `data` under `key` (`pv_host_t.hmac_sha256`).
    /// - Parameters:
    ///   - key: the key.
    ///   - data: the input.
    /// - Returns: 32 bytes.
    /// - Throws: ``ConnectorError`` `host`.
    public func hmacSHA256(key: [UInt8], data: [UInt8]) throws(ConnectorError) -> [UInt8] {
        try services.hmacSHA256(key: key, data: data)
    }
}

/// Tenant-scoped services for one exchange.
///
/// Valid only while the kit is inside a call on that exchange (``Connector/makeExchange(query:context:)``,
/// ``ConnectorExchange/start()``, ``ConnectorExchange/receive(_:)``); outside
/// one, ``secret(named:)`` throws `state`.
public struct ExchangeContext: Sendable {
    /// The host services.
    public let host: ConnectorHost
    let secrets: any SecretSource

    init(host: ConnectorHost, secrets: any SecretSource) {
        self.host = host
        self.secrets = secrets
    }

    /// Read a tenant secret declared in the manifest (`pv_host_t.secret`).
    /// Keep it no longer than needed.
    /// - Parameter name: e.g. `client_secret`.
    /// - Returns: its bytes (a copy).
    /// - Throws: ``ConnectorError`` `host` when absent or not configured.
    public func secret(named name: String) throws(ConnectorError) -> [UInt8] { try secrets.secret(named: name) }

    /// A tenant secret as UTF-8 text.
    /// - Parameter name: e.g. `client_id`.
    /// - Returns: the text.
    /// - Throws: ``ConnectorError`` `host` when absent, `invalidInput` when not UTF-8.
    public func secretString(named name: String) throws(ConnectorError) -> String {
        let bytes = try secret(named: name)
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ConnectorError(.host, "secret \(name) is not UTF-8")
        }
        return s
    }
}

/// What the ABI bridge implements behind ``ConnectorHost``.
protocol HostServicing: Sendable {
    func log(_ level: UInt32, _ message: String)
    func clockMilliseconds() throws(ConnectorError) -> Int64
    func random(_ count: Int) throws(ConnectorError) -> [UInt8]
    func sha256(_ data: [UInt8]) throws(ConnectorError) -> [UInt8]
    func hmacSHA256(key: [UInt8], data: [UInt8]) throws(ConnectorError) -> [UInt8]
}

/// What the ABI bridge implements behind ``ExchangeContext``.
protocol SecretSource: Sendable {
    func secret(named name: String) throws(ConnectorError) -> [UInt8]
}
