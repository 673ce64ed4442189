import PavilionCore
import PavilionData
import XCTest

/// `normalize as: e164`: vectors written for Pavilion from the E.164
/// structure (country code + national significant number, ≤ 15 digits)
/// and the usual ways people write numbers. Example numbers use ranges set
/// aside for drama and documentation where countries have them (UK 020
/// 7946 0xxx, NANP 555-01xx).
final class PhoneNumberNormalizationTests: XCTestCase {
    func e164(_ text: String, _ cc: String? = nil) throws -> String? {
        try TransformTesting.normalize(text, as: "e164", countryCode: cc)?.stringValue
    }

    func refused(_ text: String, _ cc: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let program = cc.map { #"[{"normalize": {"field": "v", "as": "e164", "country_code": "\#($0)"}}]"# }
            ?? #"[{"normalize": {"field": "v", "as": "e164"}}]"#
        let error = TransformTesting.runError(program, on: ["v": .string(text)], file: file, line: line)
        XCTAssertEqual(error?.code, .invalidValue, file: file, line: line)
        XCTAssertEqual(error?.field, "v", file: file, line: line)
        return error?.reason
    }

    func testInternationalFormsWithSeparators() throws {
        XCTAssertEqual(try e164("+44 20 7946 0958"), "+442079460958")
        XCTAssertEqual(try e164("+44-20-7946-0958"), "+442079460958")
        XCTAssertEqual(try e164("+1 (202) 555-0142"), "+12025550142")
        XCTAssertEqual(try e164("+33 6 12.34.56.78"), "+33612345678")
        XCTAssertEqual(try e164("+49 30/901820"), "+4930901820")
        XCTAssertEqual(try e164(" +81 3-1234-5678 "), "+81312345678")
    }

    func testTrunkZeroInParenthesesAfterCountryCodeIsDropped() throws {
        XCTAssertEqual(try e164("+44 (0)20 7946 0958"), "+442079460958")
        XCTAssertEqual(try e164("+49 (0) 30 901820"), "+4930901820")
    }

    func testLeadingDoubleZeroIsTheInternationalPrefix() throws {
        XCTAssertEqual(try e164("0044 20 7946 0958"), "+442079460958")
        XCTAssertEqual(try e164("00 33 1 23 45 67 89", "44"), "+33123456789")
    }

    func testNANPInternationalPrefix011() throws {
        XCTAssertEqual(try e164("011 44 20 7946 0958", "1"), "+442079460958")
    }

    func testNationalNumbersDropTheTrunkZero() throws {
        XCTAssertEqual(try e164("020 7946 0958", "44"), "+442079460958")
        XCTAssertEqual(try e164("06 12 34 56 78", "33"), "+33612345678")
        XCTAssertEqual(try e164("(030) 901820", "49"), "+4930901820")
    }

    func testItalianNationalNumbersKeepTheirLeadingZero() throws {
        XCTAssertEqual(try e164("06 1234 5678", "39"), "+390612345678")
        XCTAssertEqual(try e164("+39 06 1234 5678"), "+390612345678")
    }

    func testNANPNationalNumbersWithAndWithoutTrunkOne() throws {
        XCTAssertEqual(try e164("(202) 555-0142", "1"), "+12025550142")
        XCTAssertEqual(try e164("1-202-555-0142", "1"), "+12025550142")
        XCTAssertEqual(try e164("202.555.0142", "1"), "+12025550142")
    }

    func testAlreadyNormalisedIsUnchanged() throws {
        XCTAssertEqual(try e164("+442079460958"), "+442079460958")
    }

    func testNationalNumberWithoutCountryCodeIsRefused() {
        XCTAssertTrue(refused("020 7946 0958")?.contains("country_code") ?? false)
    }

    func testTooLongAndTooShortAreRefused() {
        XCTAssertTrue(refused("+1234 5678 9012 3456")?.contains("at most 15") ?? false)
        XCTAssertTrue(refused("+44 12")?.contains("at least 7") ?? false)
    }

    func testNANPWithWrongDigitCountIsRefused() {
        XCTAssertTrue(refused("+1 202 555 014")?.contains("NANP") ?? false)
        XCTAssertNotNil(refused("555-0142", "1"))
    }

    func testLettersExtensionsAndStrayPlusAreRefused() {
        XCTAssertNotNil(refused("+44 20 7946 0958 ext. 12"))
        XCTAssertNotNil(refused("1-800-FLOWERS", "1"))
        XCTAssertNotNil(refused("44+20 7946 0958", "44"))
        XCTAssertNotNil(refused("+44 20 7946 0958;"))
    }

    func testEmptyAndZeroCountryCodeAreRefused() {
        XCTAssertNotNil(refused("   ", "44"))
        XCTAssertNotNil(refused("+0 20 7946 0958"))
    }

    func testRefusalNeverQuotesTheNumber() {
        XCTAssertFalse(refused("+44 20 7946 0958 ext. 12")?.contains("7946") ?? true)
    }

    func testNonStringIsRefused() {
        let error = TransformTesting.runError(#"[{"normalize": {"field": "v", "as": "e164", "country_code": "44"}}]"#,
                                              on: ["v": 2079460958])
        XCTAssertEqual(error?.code, .invalidValue)
    }
}
