import PavilionCore
import PavilionData
import XCTest

/// `normalize as: nfc-casefold` and `as: address`.
final class NameAndAddressNormalizationTests: XCTestCase {
    func fold(_ text: String) throws -> String? {
        try TransformTesting.normalize(text, as: "nfc-casefold")?.stringValue
    }

    func testComposedDecomposedAndAngstromSignFoldAlike() throws {
        let composed = "\u{00C5}sa", decomposed = "A\u{030A}sa", angstrom = "\u{212B}sa"
        XCTAssertNotEqual(Array(composed.unicodeScalars), Array(decomposed.unicodeScalars))
        for form in [composed, decomposed, angstrom] {
            XCTAssertEqual(try fold(form).map { Array($0.unicodeScalars) }, Array("\u{00E5}sa".unicodeScalars), form.debugDescription)
        }
    }

    func testSharpSFoldsToSS() throws {
        XCTAssertEqual(try fold("Straße"), "strasse")
        XCTAssertEqual(try fold("STRASSE"), "strasse")
        XCTAssertEqual(try fold("GROẞ"), "gross")
    }

    func testGreekFinalSigmaAndSymbolVariantsFold() throws {
        XCTAssertEqual(try fold("ΟΔΥΣΣΕΥΣ"), try fold("οδυσσευς"))
        XCTAssertEqual(try fold("ϐ"), "β")
    }

    func testLigaturesAndCherokeeFoldByUnicodeRules() throws {
        XCTAssertEqual(try fold("ﬁnn"), "finn")
        XCTAssertEqual(try fold("\u{AB70}"), "\u{13A0}")
    }

    func testWhiteSpaceIsTrimmedAndCollapsed() throws {
        XCTAssertEqual(try fold("  José \t María\u{00A0} GARCÍA "), "josé maría garcía")
    }

    func testResultIsNFC() throws {
        let folded = try fold("E\u{0301}MILE") ?? ""
        XCTAssertEqual(Array(folded.unicodeScalars), Array("\u{00E9}mile".unicodeScalars))
    }

    // MARK: Addresses

    func address(_ text: String) throws -> JSONValue? {
        try TransformTesting.normalize(text, as: "address")
    }

    func testAddressWithPostalCodeBeforeLocalityAndCountryCode() throws {
        XCTAssertEqual(try address("12 Rue de Rivoli, 75001 Paris, fr"),
                       ["street": "12 Rue de Rivoli", "postal_code": "75001", "locality": "Paris", "country": "FR"])
    }

    func testAddressWithTwoTokenPostcodeAfterLocality() throws {
        XCTAssertEqual(try address("10 Downing Street, London SW1A 2AA, United Kingdom"),
                       ["street": "10 Downing Street", "postal_code": "SW1A 2AA", "locality": "London", "country": "United Kingdom"])
    }

    func testAddressWithPostalCodeAsItsOwnPart() throws {
        XCTAssertEqual(try address("Hauptstraße 5, Berlin, 10115, DE"),
                       ["street": "Hauptstraße 5", "locality": "Berlin", "postal_code": "10115", "country": "DE"])
    }

    func testAddressWithoutCountry() throws {
        XCTAssertEqual(try address("1600 Pennsylvania Ave NW, Washington DC 20500"),
                       ["street": "1600 Pennsylvania Ave NW", "locality": "Washington DC", "postal_code": "20500"])
    }

    func testAddressWithoutCommaOrLocalityIsRefused() {
        for text in ["12 Rue de Rivoli 75001 Paris", "12 Rue de Rivoli, 75001", " , "] {
            let error = TransformTesting.runError(#"[{"normalize": {"field": "v", "as": "address"}}]"#, on: ["v": .string(text)])
            XCTAssertEqual(error?.code, .invalidValue, text)
        }
    }
}
