import Foundation

/// The store keeps times as whole milliseconds since 1970 (UTC).
enum Timestamp {
    /// `date` in whole milliseconds since 1970, rounded down.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The date of `milliseconds` since 1970.
    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `date` truncated to what the store keeps, so values read back compare equal.
    static func truncated(_ date: Date) -> Date { self.date(milliseconds(date)) }
}
