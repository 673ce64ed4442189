import PavilionCore
import PavilionHost
import XCTest

final class JSONSchemaSubjectValidatorTests: XCTestCase {
    private let validator = JSONSchemaSubjectValidator()
    private func json(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

    func testTheCamaraInputSchema() throws {
        let schema = try json(#"""
            {"type":"object","required":["phone_number"],"additionalProperties":false,
             "properties":{"phone_number":{"type":"string","pattern":"^\\+[1-9][0-9]{4,14}$"},"name":{"type":"string"},
                           "birthdate":{"type":"string","format":"date"},
                           "address":{"type":"object","properties":{"locality":{"type":"string"}}}}}
            """#)
        XCTAssertEqual(validator.validate(try json(#"{"phone_number":"+34629255833","name":"Ada","birthdate":"1990-01-01"}"#), against: schema), [])
        let problems = validator.validate(try json(#"{"phone_number":"0034","ssn":"123","address":{"locality":7}}"#), against: schema)
        XCTAssertEqual(problems.map(\.description), [
            "/address/locality: expected string, found integer",
            "/phone_number: value does not satisfy 'pattern'",
            "/ssn: is not an allowed property",
        ])
        XCTAssertEqual(validator.validate(try json("{}"), against: schema).map(\.keyword), ["required"])
        XCTAssertEqual(validator.validate(try json("[]"), against: schema).map(\.keyword), ["type"])
    }

    func testManySchemasInTurnEachValidateByTheirOwnRules() throws {
        // More schemas than the validator keeps at hand, used in turn, and
        // equal schemas parsed separately (other storage): each must still
        // be checked by its own compiled form.
        let schemas = try (0..<40).map { n in try json(#"{"type":"object","required":["k\#(n)"]}"#) }
        let instance = try json(#"{"k7":1}"#)
        for round in 0..<3 {
            for (n, schema) in schemas.enumerated() {
                let again = round == 2 ? try json(#"{"type":"object","required":["k\#(n)"]}"#) : schema
                XCTAssertEqual(validator.validate(instance, against: again).isEmpty, n == 7, "schema \(n), round \(round)")
            }
        }
    }

    func testViolationsNeverQuoteTheValue() throws {
        let schema = try json(#"{"type":"object","properties":{"name":{"type":"string","maxLength":3,"enum":["Bob"]}}}"#)
        let problems = validator.validate(try json(#"{"name":"Ada Lovelace"}"#), against: schema)
        XCTAssertEqual(Set(problems.map(\.keyword)), ["enum", "maxLength"])
        XCTAssertFalse(problems.map(\.description).joined().contains("Ada"))
    }

    func testOutputSchemasWithAdditionalPropertiesSchemaAndEnum() throws {
        let schema = try json(#"{"type":"object","additionalProperties":{"enum":["true","false","not_available",true,false]}}"#)
        XCTAssertEqual(validator.validate(try json(#"{"a":"true","b":false}"#), against: schema), [])
        XCTAssertEqual(validator.validate(try json(#"{"a":"maybe"}"#), against: schema).map(\.pointer), ["/a"])
    }

    func testLengthsCountCharactersAndIntegersAreNumbers() throws {
        let schema = try json(#"{"type":"object","properties":{"s":{"type":"string","minLength":2},"n":{"type":"number"},"i":{"type":["integer","null"]}}}"#)
        XCTAssertEqual(validator.validate(try json(#"{"s":"éé","n":3,"i":null}"#), against: schema), [])
        XCTAssertEqual(validator.validate(try json(#"{"s":"é","i":1.5}"#), against: schema).map(\.keyword), ["type", "minLength"])
    }

    func testFormatIsAssertedAndAnInvalidSchemaIsOneViolation() throws {
        let schema = try json(#"{"type":"object","properties":{"birthdate":{"type":"string","format":"date"}}}"#)
        XCTAssertEqual(validator.validate(try json(#"{"birthdate":"1990-02-30"}"#), against: schema).map(\.keyword), ["format"])
        let broken = try json(#"{"type":"object","properties":{"x":{"minLength":"two"}}}"#)
        XCTAssertEqual(validator.validate(try json("{}"), against: broken).map(\.keyword), ["$schema"])
    }

    func testPointersEscapeSlashAndTilde() throws {
        let schema = try json(#"{"type":"object","additionalProperties":false}"#)
        XCTAssertEqual(validator.validate(try json(#"{"a/b~c":1}"#), against: schema).map(\.pointer), ["/a~1b~0c"])
    }
}
