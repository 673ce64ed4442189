import Foundation

/// An instant with millisecond precision, written as RFC 3339 UTC
/// (`2025-03-01T09:30:00.125Z`) so serialised graphs are stable.
public struct LineageTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSinceEpoch: Int64

    /// - Parameter millisecondsSinceEpoch: milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// - Parameter date: the instant, truncated to the millisecond.
    public init(_ date: Date) {
        self.millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000) }

    /// This instant plus `duration`, truncated to the millisecond.
    /// - Parameter duration: the offset.
    /// - Returns: the later (or earlier) instant.
    public func advanced(by duration: Duration) -> LineageTimestamp {
        let (s, atto) = duration.components
        return LineageTimestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + s * 1000 + atto / 1_000_000_000_000_000)
    }

    /// The civil date (UTC) of this instant.
    public var civilDate: CivilDate {
        let (y, m, d) = Self.civil(fromDays: Self.floorDiv(millisecondsSinceEpoch, 86_400_000))
        guard let date = CivilDate(year: y, month: m, day: d) else {
            preconditionFailure("civil(fromDays:) yielded an invalid date")  // our bug, not the world's
        }
        return date
    }

    /// RFC 3339, UTC, milliseconds: `2025-03-01T09:30:00.125Z`.
    public var description: String {
        let days = Self.floorDiv(millisecondsSinceEpoch, 86_400_000)
        let msOfDay = millisecondsSinceEpoch - days * 86_400_000
        let (y, m, d) = Self.civil(fromDays: days)
        if (0...9999).contains(y) {
            // The common case without string interpolation (it is on the request path, twice a node).
            var b = [UInt8](repeating: 0, count: 24)
            func put(_ v: Int64, _ at: Int, _ n: Int) {
                var v = v
                for i in stride(from: at + n - 1, through: at, by: -1) {
                    b[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(Int64(y), 0, 4); b[4] = UInt8(ascii: "-"); put(Int64(m), 5, 2); b[7] = UInt8(ascii: "-"); put(Int64(d), 8, 2)
            b[10] = UInt8(ascii: "T"); put(msOfDay / 3_600_000, 11, 2); b[13] = UInt8(ascii: ":"); put(msOfDay / 60_000 % 60, 14, 2)
            b[16] = UInt8(ascii: ":"); put(msOfDay / 1000 % 60, 17, 2); b[19] = UInt8(ascii: "."); put(msOfDay % 1000, 20, 3)
            b[23] = UInt8(ascii: "Z")
            return String(decoding: b, as: UTF8.self)
        }
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(msOfDay / 3_600_000, 2)):"
            + "\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// Read an RFC 3339 date-time: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`
    /// (`t`, `z` and a space for `T` accepted). Fractions beyond
    /// milliseconds are truncated.
    /// - Parameter text: the date-time.
    /// - Returns: the instant, or `nil` when `text` is not one.
    public static func parse(_ text: String) -> LineageTimestamp? {
        let b = Array(text.utf8)
        func num(_ at: Int, _ n: Int) -> Int64? {
            guard at + n <= b.count else { return nil }
            var v: Int64 = 0
            for i in at..<(at + n) {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
              [0x54, 0x74, 0x20].contains(b[10]), let h = num(11, 2), b[13] == 0x3A, let mi = num(14, 2), b[16] == 0x3A,
              let s = num(17, 2), CivilDate(year: Int(y), month: Int(mo), day: Int(d)) != nil, h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var ms: Int64 = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var digits = 0
            while i < b.count, (0x30...0x39).contains(b[i]) {
                if digits < 3 { ms = ms * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { ms *= 10 } }
        }
        guard i < b.count else { return nil }
        var offsetMinutes: Int64 = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 0x3A, let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = days(fromCivil: y, Int64(mo), Int64(d))
        let seconds = days * 86_400 + h * 3600 + mi * 60 + min(s, 59) - offsetMinutes * 60
        return LineageTimestamp(millisecondsSinceEpoch: seconds * 1000 + ms)
    }

    public static func < (a: Self, b: Self) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Howard Hinnant's `days_from_civil`.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Howard Hinnant's `civil_from_days`.
    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }
}
