/// A point on a monotonic clock, in milliseconds, as the connectivity state
/// machines see it.
///
/// The state machines never read a clock: every event takes `now`, so the
/// host feeds its event loop's monotonic time and tests drive a clock they own.
public struct ConnectivityInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since an arbitrary, fixed origin.
    public var milliseconds: Int64

    /// An instant `milliseconds` after the clock's origin.
    /// - Parameter milliseconds: offset from the origin.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The instant `ms` milliseconds later.
    /// - Parameters:
    ///   - lhs: the starting instant.
    ///   - ms: milliseconds to add (may be negative).
    /// - Returns: the shifted instant.
    public static func + (lhs: ConnectivityInstant, ms: Int64) -> ConnectivityInstant {
        ConnectivityInstant(milliseconds: lhs.milliseconds &+ ms)
    }

    /// Milliseconds from `rhs` to `lhs`.
    /// - Returns: `lhs - rhs` in milliseconds.
    public static func - (lhs: ConnectivityInstant, rhs: ConnectivityInstant) -> Int64 {
        lhs.milliseconds &- rhs.milliseconds
    }

    /// Orders instants by time.
    public static func < (lhs: ConnectivityInstant, rhs: ConnectivityInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// `t+<ms>ms`.
    public var description: String { "t+\(milliseconds)ms" }
}
