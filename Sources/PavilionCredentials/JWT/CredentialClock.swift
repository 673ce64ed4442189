import Foundation

/// Where credential checks get "now" from: the system clock in service, a
/// clock the test owns in tests (no sleeping to reach an expiry).
public protocol CredentialClock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The system's wall clock.
public struct SystemCredentialClock: CredentialClock {
    /// The system clock.
    public init() {}

    public var now: Date { Date() }
}

/// A clock that stands still at a given instant.
public struct FixedCredentialClock: CredentialClock {
    /// The instant it reports.
    public var now: Date

    /// - Parameter now: the instant to report.
    public init(_ now: Date) { self.now = now }

    /// A clock at `seconds` since 1970-01-01T00:00:00Z.
    /// - Parameter seconds: the Unix time.
    public init(unixTime seconds: Double) { self.now = Date(timeIntervalSince1970: seconds) }

    /// The same clock `seconds` later.
    /// - Parameter seconds: how far to move (negative goes back).
    /// - Returns: the moved clock.
    public func advanced(by seconds: TimeInterval) -> FixedCredentialClock { FixedCredentialClock(now.addingTimeInterval(seconds)) }
}
