import PavilionCore
import PavilionData
import XCTest

/// ISO 8601 dates, impossible dates, and `derive age_over` on birthdays
/// and 29 February.
final class DateAndAgeTests: XCTestCase {
    func date(_ text: String) throws -> String? {
        try TransformTesting.normalize(text, as: "iso8601-date")?.stringValue
    }

    func testAcceptedShapesNormaliseToExtendedDate() throws {
        XCTAssertEqual(try date("1990-05-17"), "1990-05-17")
        XCTAssertEqual(try date("19900517"), "1990-05-17")
        XCTAssertEqual(try date("1990/05/17"), "1990-05-17")
        XCTAssertEqual(try date("17.05.1990"), "1990-05-17")
        XCTAssertEqual(try date("1990-05-17T23:59:59Z"), "1990-05-17")
        XCTAssertEqual(try date("1990-05-17T10:00+02:00"), "1990-05-17")
        XCTAssertEqual(try date("1990-05-17 10:00:00.125"), "1990-05-17")
        XCTAssertEqual(try date("  2000-02-29 "), "2000-02-29")
    }

    func testImpossibleDatesAreRefusedWithTheReason() {
        for (text, fragment) in [("2023-02-29", "day 29"), ("1900-02-29", "day 29"), ("2024-04-31", "day 31"),
                                 ("2024-13-01", "month 13"), ("0000-01-01", "year 0"), ("2024-00-10", "month 0"),
                                 ("31.06.2024", "day 31")] {
            let error = TransformTesting.runError(#"[{"normalize": {"field": "d", "as": "iso8601-date"}}]"#, on: ["d": .string(text)])
            XCTAssertEqual(error?.code, .invalidValue, text)
            XCTAssertTrue(error?.reason.contains("impossible date") ?? false, text)
            XCTAssertTrue(error?.reason.contains(fragment) ?? false, "\(text): \(error?.reason ?? "")")
        }
    }

    func testAmbiguousAndMalformedShapesAreRefused() {
        for text in ["01/02/2000", "17-05-1990", "90-05-17", "1990-5-17", "May 17, 1990", "1990-W20-4", "1990-137",
                     "1990-05-17T25:00", "1990-05-17T10:00+2", "1990-05-17junk", "", "１９９０-05-17"] {
            let error = TransformTesting.runError(#"[{"normalize": {"field": "d", "as": "iso8601-date"}}]"#, on: ["d": .string(text)])
            XCTAssertEqual(error?.code, .invalidValue, text)
            XCTAssertTrue(error?.reason.contains("accepted shape") ?? false, "\(text): \(error?.reason ?? "")")
        }
    }

    func testCivilDateRefusesNonexistentDays() {
        XCTAssertNil(CivilDate(year: 2023, month: 2, day: 29))
        XCTAssertNotNil(CivilDate(year: 2000, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2100, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2024, month: 6, day: 31))
        XCTAssertEqual(CivilDate.parse("2024-12-31")?.description, "2024-12-31")
    }

    // MARK: derive

    static let derive = #"[{"derive": {"from": "birthdate", "age_over": [65, 18, 21]}}]"#

    func ages(born: String, on today: CivilDate?) throws -> [String: Bool] {
        let output = try TransformTesting.run(Self.derive, on: ["birthdate": .string(born)], today: today).output
        var out: [String: Bool] = [:]
        for n in [18, 21, 65] { out["age_over_\(n)"] = output["age_over_\(n)"]?.boolValue }
        return out
    }

    func testEighteenthBirthdayCountsOnTheDay() throws {
        XCTAssertEqual(try ages(born: "2008-03-01", on: CivilDate(year: 2026, month: 3, day: 1))["age_over_18"], true)
        XCTAssertEqual(try ages(born: "2008-03-02", on: CivilDate(year: 2026, month: 3, day: 1))["age_over_18"], false)
        XCTAssertEqual(try ages(born: "2008-03-01", on: CivilDate(year: 2026, month: 2, day: 28))["age_over_18"], false)
    }

    func testLeapDayBirthdayCompletesOnFirstMarchInCommonYears() throws {
        XCTAssertEqual(try ages(born: "2008-02-29", on: CivilDate(year: 2026, month: 2, day: 28))["age_over_18"], false)
        XCTAssertEqual(try ages(born: "2008-02-29", on: CivilDate(year: 2026, month: 3, day: 1))["age_over_18"], true)
    }

    func testLeapDayBirthdayCompletesOnTheDayInLeapYears() throws {
        XCTAssertEqual(try ages(born: "2003-02-28", on: CivilDate(year: 2024, month: 2, day: 28))["age_over_21"], true)
        XCTAssertEqual(try ages(born: "2004-02-29", on: CivilDate(year: 2025, month: 2, day: 28))["age_over_21"], false)
        XCTAssertEqual(try ages(born: "2004-02-29", on: CivilDate(year: 2025, month: 3, day: 1))["age_over_21"], true)
        let twenty = #"[{"derive": {"from": "b", "age_over": [20]}}]"#
        XCTAssertEqual(try TransformTesting.run(twenty, on: ["b": "2008-02-29"], today: CivilDate(year: 2028, month: 2, day: 28))
            .output["age_over_20"], false)
        XCTAssertEqual(try TransformTesting.run(twenty, on: ["b": "2008-02-29"], today: CivilDate(year: 2028, month: 2, day: 29))
            .output["age_over_20"], true)
        XCTAssertEqual(try ages(born: "1960-02-29", on: CivilDate(year: 2028, month: 2, day: 29)),
                       ["age_over_18": true, "age_over_21": true, "age_over_65": true])
    }

    func testEveryThresholdIsWrittenAndRecorded() throws {
        let result = try TransformTesting.run(Self.derive, on: ["birthdate": "2004-06-15"])
        XCTAssertEqual(result.output, ["birthdate": "2004-06-15", "age_over_18": true, "age_over_21": true, "age_over_65": false])
        XCTAssertEqual(result.steps.first?.wrote, ["age_over_18", "age_over_21", "age_over_65"])
    }

    func testDeriveAcceptsOtherDateShapesAndATemplate() throws {
        let result = try TransformTesting.run(#"[{"derive": {"from": "dob", "age_over": [18], "as": "is_over_{N}"}}]"#,
                                              on: ["dob": "15.06.2004"])
        XCTAssertEqual(result.output["is_over_18"], true)
    }

    func testBirthDateAfterTodayIsRefused() {
        XCTAssertEqual(TransformTesting.runError(Self.derive, on: ["birthdate": "2030-01-01"])?.code, .invalidValue)
    }

    func testImpossibleBirthDateIsRefused() {
        XCTAssertEqual(TransformTesting.runError(Self.derive, on: ["birthdate": "2007-02-29"])?.code, .invalidValue)
    }

    func testMissingBirthDateSkipsTheStepAndDerivesNothing() throws {
        let result = try TransformTesting.run(Self.derive, on: ["name": "x"])
        XCTAssertEqual(result.output, ["name": "x"])
        XCTAssertEqual(result.steps.first?.outcome, .skipped)
    }

    func testDerivedFieldThatExistsIsAConflict() {
        XCTAssertEqual(TransformTesting.runError(Self.derive, on: ["birthdate": "2000-01-01", "age_over_21": false])?.code,
                       .fieldConflict)
    }
}
