/// Proleptic Gregorian calendar arithmetic on plain integers, for the
/// modules that read dates without Foundation's (locale-bound) calendars:
/// credential timestamps and committed birth dates.
public enum CivilCalendar {
    /// Whether `year` has 29 February.
    public static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The days in `month` (1...12) of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a valid date (H. Hinnant's `days_from_civil`).
    /// - Parameters:
    ///   - year: the year.
    ///   - month: 1...12.
    ///   - day: 1...``daysIn(month:year:)``.
    /// - Returns: negative before 1970.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
