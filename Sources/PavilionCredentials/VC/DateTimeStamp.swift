import Foundation
import PavilionCore

/// XML Schema 1.1 `dateTimeStamp` (a `dateTime` with a mandatory time
/// zone), the type of VC 2.0 `validFrom`/`validUntil` and Data Integrity
/// `created`/`expires`: `2023-02-24T23:36:38Z`, `2023-02-24T23:36:38.5+02:00`.
public enum DateTimeStamp {
    /// Parse a dateTimeStamp strictly: four-digit year, two-digit fields,
    /// optional fraction, `Z` or `±hh:mm`; no leap second, no missing zone.
    /// - Parameter text: the value.
    /// - Returns: the instant, or `nil` when `text` is not a dateTimeStamp.
    public static func parse(_ text: String) -> Date? {
        let c = Array(text.utf8)
        guard c.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard i < c.count, (0x30...0x39).contains(c[i]) else { return nil }
                value = value * 10 + Int(c[i] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), c[4] == 0x2D, let month = number(5..<7), c[7] == 0x2D, let day = number(8..<10),
              c[10] == UInt8(ascii: "T"), let hour = number(11..<13), c[13] == 0x3A, let minute = number(14..<16),
              c[16] == 0x3A, let second = number(17..<19) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year), hour < 24, minute < 60, second < 60 else {
            return nil
        }
        var index = 19
        var fraction = 0.0
        if index < c.count, c[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < c.count, (0x30...0x39).contains(c[index]) {
                fraction += Double(c[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < c.count else { return nil }
        var offset = 0
        if c[index] == UInt8(ascii: "Z") {
            index += 1
        } else if c[index] == UInt8(ascii: "+") || c[index] == UInt8(ascii: "-") {
            guard index + 6 == c.count, let h = number(index + 1..<index + 3), c[index + 3] == 0x3A,
                  let m = number(index + 4..<index + 6), h < 14 || (h == 14 && m == 0), m < 60 else { return nil }
            offset = (h * 60 + m) * 60 * (c[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == c.count else { return nil }
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `date` as `YYYY-MM-DDThh:mm:ssZ` (whole seconds, UTC).
    /// - Parameter date: the instant.
    /// - Returns: the dateTimeStamp text.
    public static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86400 : (total - 86399) / 86400
        let secondsOfDay = total - days * 86400
        let (y, m, d) = civilFromDays(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(y)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-\(two(m))-\(two(d))T"
            + "\(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60)):\(two(secondsOfDay % 60))Z"
    }

    private static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
