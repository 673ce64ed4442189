import Foundation

/// RFC 3339 timestamps in UTC with milliseconds, without a (non-Sendable) formatter.
enum Timestamps {
    /// `2026-01-01T00:00:00.000Z`.
    static func rfc3339(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        append(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Append `2026-01-01T00:00:00.000Z` for `date` to `out` (24 ASCII bytes).
    static func append(_ date: Date, to out: inout [UInt8]) {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(totalMs / 1000)
        var ms = Int(totalMs % 1000)
        if ms < 0 {
            ms += 1000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var year = max(0, Int(parts.tm_year) + 1900)
        if year > 9999 { year %= 10000 }
        appendTwoDigits(year / 100, to: &out)
        appendTwoDigits(year % 100, to: &out)
        out.append(UInt8(ascii: "-"))
        appendTwoDigits(Int(parts.tm_mon) + 1, to: &out)
        out.append(UInt8(ascii: "-"))
        appendTwoDigits(Int(parts.tm_mday), to: &out)
        out.append(UInt8(ascii: "T"))
        appendTwoDigits(Int(parts.tm_hour), to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_min), to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_sec), to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(ms / 100))
        appendTwoDigits(ms % 100, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// `value` (0...99) as two decimal digits.
    @inline(__always)
    private static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10))
        out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
    }
}
