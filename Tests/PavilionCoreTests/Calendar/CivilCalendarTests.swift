import PavilionCore
import XCTest

final class CivilCalendarTests: XCTestCase {
    func testDayNumbersMatchKnownDates() {
        XCTAssertEqual(CivilCalendar.daysFromCivil(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(CivilCalendar.daysFromCivil(year: 2000, month: 3, day: 1), 11_017)
        XCTAssertEqual(CivilCalendar.daysFromCivil(year: 1900, month: 1, day: 1), -25_567)
        XCTAssertEqual(CivilCalendar.daysFromCivil(year: 1969, month: 12, day: 31), -1)
    }

    func testLeapYearsAndMonthLengths() {
        XCTAssertTrue(CivilCalendar.isLeapYear(2000))
        XCTAssertFalse(CivilCalendar.isLeapYear(1900))
        XCTAssertTrue(CivilCalendar.isLeapYear(2024))
        XCTAssertEqual(CivilCalendar.daysIn(month: 2, year: 2024), 29)
        XCTAssertEqual(CivilCalendar.daysIn(month: 2, year: 2100), 28)
        XCTAssertEqual(CivilCalendar.daysIn(month: 4, year: 2026), 30)
        XCTAssertEqual(CivilCalendar.daysIn(month: 12, year: 2026), 31)
    }
}
