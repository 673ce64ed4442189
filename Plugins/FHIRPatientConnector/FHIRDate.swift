/// A FHIR `date`: "YYYY", "YYYY-MM" or "YYYY-MM-DD", in the proleptic
/// Gregorian calendar, without a time zone.
struct FHIRDate: Hashable, Comparable {
    let year: Int
    let month: Int?
    let day: Int?

    /// Parse the FHIR date forms; nil for anything else (including 2023-02-30).
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
            }
            return value
        }
        guard [4, 7, 10].contains(bytes.count), let year = number(0..<4), year >= 1 else { return nil }
        var month: Int?
        var day: Int?
        if bytes.count >= 7 {
            guard bytes[4] == UInt8(ascii: "-"), let m = number(5..<7), (1...12).contains(m) else { return nil }
            month = m
        }
        if bytes.count == 10 {
            guard bytes[7] == UInt8(ascii: "-"), let d = number(8..<10), let m = month,
                  (1...FHIRDate.daysIn(month: m, year: year)).contains(d) else { return nil }
            day = d
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A full date.
    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC calendar day of `milliseconds` since the Unix epoch.
    init(unixMilliseconds milliseconds: Int64) {
        // Days to civil date, after Howard Hinnant's `civil_from_days`.
        var days = milliseconds / 86_400_000
        if milliseconds % 86_400_000 < 0 { days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), month: Int(m), day: Int(d))
    }

    var isFullDate: Bool { day != nil }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The earliest full date this (possibly partial) date can stand for.
    var earliest: FHIRDate { FHIRDate(year: year, month: month ?? 1, day: day ?? 1) }

    /// The latest full date this (possibly partial) date can stand for.
    var latest: FHIRDate {
        let m = month ?? 12
        return FHIRDate(year: year, month: m, day: day ?? FHIRDate.daysIn(month: m, year: year))
    }

    /// The day a person born on this full date turns `years` old. Someone
    /// born on 29 February comes of age on 1 March in common years.
    func anniversary(_ years: Int) -> FHIRDate {
        let y = year + years
        let m = month ?? 1
        let d = day ?? 1
        if m == 2, d == 29, !FHIRDate.isLeap(y) { return FHIRDate(year: y, month: 3, day: 1) }
        return FHIRDate(year: y, month: m, day: d)
    }

    /// Whether someone born on this (possibly partial) date is at least
    /// `years` old on `today`; nil when a partial date leaves it open.
    func isAtLeast(_ years: Int, on today: FHIRDate) -> Bool? {
        if today >= latest.anniversary(years) { return true }
        if today < earliest.anniversary(years) { return false }
        return nil
    }

    static func < (lhs: FHIRDate, rhs: FHIRDate) -> Bool {
        (lhs.year, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year, rhs.month ?? 0, rhs.day ?? 0)
    }
}
