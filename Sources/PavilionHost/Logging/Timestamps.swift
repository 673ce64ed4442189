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
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = max(0, value)
            if width == 4, v > 9999 { v %= 10000 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10))
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(ms, 3)
        out.append(UInt8(ascii: "Z"))
    }
}
