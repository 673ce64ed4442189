/// A calendar date without time or zone (proleptic Gregorian, years 1–9999).
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1…9999.
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…the month's length.
    public let day: Int

    /// A date, or `nil` when it does not exist (30 February, 29 February of
    /// a common year, month 13, year 0).
    /// - Parameters:
    ///   - year: 1…9999.
    ///   - month: 1…12.
    ///   - day: 1…28/29/30/31.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Whether `year` has a 29 February.
    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// Days in `month` of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Chronological order.
    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Completed years from this date (a birth date) to `today`. Someone
    /// born on 29 February completes a year on 1 March in common years.
    /// - Parameter today: the reference date; not before this one.
    /// - Returns: the age in whole years.
    public func age(on today: CivilDate) -> Int {
        var years = today.year - year
        if (today.month, today.day) < (month, day) { years -= 1 }
        return years
    }

    /// Read a date in one of the accepted shapes (docs/data.md):
    /// `YYYY-MM-DD`, `YYYYMMDD`, `YYYY/MM/DD`, `DD.MM.YYYY`, or an ISO 8601
    /// date-time `YYYY-MM-DDThh:mm[:ss[.f]][Z|±hh:mm]` (also with a space
    /// for `T`), whose date part is taken as written. Surrounding white
    /// space is ignored. `01/02/2000` is refused: day-first and month-first
    /// cannot be told apart.
    /// - Parameter text: the text.
    /// - Returns: the date, or `nil` when the shape is not accepted or the
    ///   date does not exist.
    public static func parse(_ text: String) -> CivilDate? {
        if case .date(let d) = read(text) { return d }
        return nil
    }

    /// What ``read(_:)`` found.
    enum Reading {
        case date(CivilDate)
        /// Right shape, impossible date; the reason names the parts.
        case impossible(String)
        case unrecognised
    }

    static func read(_ text: String) -> Reading {
        let b = Array(text.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed())
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count, !range.isEmpty else { return nil }
            var n = 0
            for c in b[range] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                n = n * 10 + Int(c - 0x30)
            }
            return n
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue }
        var parts: (Int, Int, Int)?
        if b.count == 8, let y = number(0..<4), let m = number(4..<6), let d = number(6..<8) {
            parts = (y, m, d)
        } else if b.count >= 10, let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
                  (at(4, "-") && at(7, "-")) || (at(4, "/") && at(7, "/")) {
            if b.count > 10 {
                guard at(4, "-"), at(10, "T") || at(10, " "), isTime(b[11...]) else { return .unrecognised }
            }
            parts = (y, m, d)
        } else if b.count == 10, let d = number(0..<2), let m = number(3..<5), let y = number(6..<10), at(2, "."), at(5, ".") {
            parts = (y, m, d)
        }
        guard let (y, m, d) = parts else { return .unrecognised }
        guard let date = CivilDate(year: y, month: m, day: d) else {
            if !(1...9999).contains(y) { return .impossible("year \(y) is outside 1-9999") }
            if !(1...12).contains(m) { return .impossible("month \(m) does not exist") }
            return .impossible("day \(d) does not exist in month \(m) of \(y)")
        }
        return .date(date)
    }

    /// `hh:mm[:ss[.f+]]` then nothing, `Z`, or `±hh[:]mm`, with hours,
    /// minutes and seconds in range.
    private static func isTime(_ t: ArraySlice<UInt8>) -> Bool {
        let s = Array(t)
        func two(_ i: Int, max: Int) -> Bool {
            guard i + 1 < s.count, (0x30...0x39).contains(s[i]), (0x30...0x39).contains(s[i + 1]) else { return false }
            return Int(s[i] - 0x30) * 10 + Int(s[i + 1] - 0x30) <= max
        }
        guard two(0, max: 23), s.count > 2, s[2] == UInt8(ascii: ":"), two(3, max: 59) else { return false }
        var i = 5
        if i < s.count, s[i] == UInt8(ascii: ":") {
            guard two(i + 1, max: 60) else { return false }
            i += 3
            if i < s.count, s[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < s.count, (0x30...0x39).contains(s[i]) { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == s.count { return true }
        if s[i] == UInt8(ascii: "Z") { return i + 1 == s.count }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), two(i + 1, max: 23) else { return false }
        i += 3
        if i < s.count, s[i] == UInt8(ascii: ":") { i += 1 }
        return two(i, max: 59) && i + 2 == s.count
    }
}
