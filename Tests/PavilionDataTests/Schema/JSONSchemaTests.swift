import Foundation
import PavilionCore
import PavilionData
import XCTest

/// Behaviour of the validator beyond the official suite: error locations,
/// schema refusal, cycles, numbers, patterns and options.
final class JSONSchemaTests: XCTestCase {
    func schema(_ text: String, options: JSONSchema.Options = JSONSchema.Options()) throws -> JSONSchema {
        try JSONSchema(try JSONParser().parse(text), options: options)
    }

    func json(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

    func schemaError(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> SchemaError? {
        do {
            _ = try schema(text)
            XCTFail("schema was accepted", file: file, line: line)
            return nil
        } catch let error as SchemaError {
            return error
        }
    }

    // MARK: Error locations

    func testErrorsNameTheInstancePointerAndTheKeywordPathThroughRef() throws {
        let s = try schema("""
            {"$defs": {"age": {"type": "integer", "minimum": 0}},
             "properties": {"people": {"items": {"properties": {"age": {"$ref": "#/$defs/age"}}}}}}
            """)
        let errors = s.validate(try json(##"{"people": [{"age": 3}, {"age": -1}]}"##))
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.instanceLocation, "/people/1/age")
        XCTAssertEqual(errors.first?.keyword, "/properties/people/items/properties/age/$ref/minimum")
        XCTAssertEqual(errors.first?.message, "-1 is not at least 0")
    }

    func testPointersEscapeSlashAndTilde() throws {
        let s = try schema(##"{"properties": {"a/b~c": {"type": "string"}}}"##)
        let errors = s.validate(try json(##"{"a/b~c": 1}"##))
        XCTAssertEqual(errors.first?.instanceLocation, "/a~1b~0c")
        XCTAssertEqual(errors.first?.keyword, "/properties/a~1b~0c/type")
    }

    func testEveryMissingRequiredPropertyIsReportedAtTheObject() throws {
        let s = try schema(##"{"required": ["a", "b"], "type": "object"}"##)
        let errors = s.validate(try json("{}"))
        XCTAssertEqual(errors.map(\.keyword), ["/required", "/required"])
        XCTAssertEqual(errors.map(\.instanceLocation), ["", ""])
        XCTAssertTrue(errors[1].message.contains("\"b\""))
    }

    func testValidInstanceHasNoErrorsAndIsValidAgrees() throws {
        let s = try schema(##"{"type": "object", "properties": {"n": {"type": "number"}}, "additionalProperties": false}"##)
        XCTAssertEqual(s.validate(try json(##"{"n": 1.5}"##)), [])
        XCTAssertTrue(s.isValid(try json(##"{"n": 1.5}"##)))
        XCTAssertFalse(s.isValid(try json(##"{"n": 1.5, "x": 1}"##)))
    }

    // MARK: Refused schemas

    func testWrongKeywordValueIsRefusedWithItsPointer() throws {
        let error = try schemaError(##"{"properties": {"a": {"minimum": "ten"}}}"##)
        XCTAssertEqual(error?.code, .invalidKeyword)
        XCTAssertEqual(error?.pointer, "/properties/a/minimum")
    }

    func testUnknownTypeNameIsRefused() throws {
        let error = try schemaError(##"{"items": {"type": ["string", "text"]}}"##)
        XCTAssertEqual(error?.code, .invalidKeyword)
        XCTAssertEqual(error?.pointer, "/items/type")
    }

    func testNonPositiveMultipleOfIsRefused() throws {
        XCTAssertEqual(try schemaError(##"{"multipleOf": 0}"##)?.pointer, "/multipleOf")
    }

    func testUnresolvableReferenceIsRefused() throws {
        let error = try schemaError(##"{"allOf": [{"$ref": "#/$defs/missing"}]}"##)
        XCTAssertEqual(error?.code, .unresolvedReference)
        XCTAssertEqual(error?.pointer, "/allOf/0/$ref")
        XCTAssertEqual(try schemaError(##"{"$ref": "https://example.com/elsewhere.json"}"##)?.code, .unresolvedReference)
    }

    func testBadPatternIsRefused() throws {
        let error = try schemaError(##"{"patternProperties": {"(": {}}}"##)
        XCTAssertEqual(error?.code, .invalidPattern)
        XCTAssertEqual(error?.pointer, "/patternProperties/(")
    }

    func testSchemaThatIsNeitherObjectNorBooleanIsRefused() throws {
        XCTAssertEqual(try schemaError(##"{"not": 3}"##)?.pointer, "/not")
    }

    func testDuplicateIdIsRefused() throws {
        let error = try schemaError(##"{"$defs": {"a": {"$id": "https://x.test/a"}, "b": {"$id": "https://x.test/a"}}}"##)
        XCTAssertEqual(error?.code, .duplicateIdentifier)
    }

    // MARK: Cycles and depth

    func testReferenceCycleWithoutDescentIsRefused() throws {
        let error = try schemaError(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        XCTAssertEqual(error?.code, .referenceCycle)
        XCTAssertEqual(try schemaError(##"{"$ref": "#"}"##)?.code, .referenceCycle)
        XCTAssertEqual(try schemaError(##"{"anyOf": [{"type": "string"}, {"$ref": "#"}]}"##)?.code, .referenceCycle)
    }

    func testRecursionThroughChildrenIsAccepted() throws {
        let s = try schema(##"{"type": "object", "properties": {"next": {"$ref": "#"}}, "additionalProperties": false}"##)
        XCTAssertTrue(s.isValid(try json(##"{"next": {"next": {}}}"##)))
        XCTAssertFalse(s.isValid(try json(##"{"next": {"next": {"x": 1}}}"##)))
    }

    func testDynamicReferenceLoopIsBoundedAtEvaluation() throws {
        // Statically the $dynamicRef lands on an empty schema, so the
        // compiler sees no cycle; dynamically it re-enters the root forever.
        let text = """
            {"$id": "https://x.test/root", "$dynamicAnchor": "m", "$ref": "inner",
             "$defs": {"inner": {"$id": "inner", "allOf": [{"$dynamicRef": "#m"}],
                                 "$defs": {"d": {"$dynamicAnchor": "m"}}}}}
            """
        let s = try schema(text, options: JSONSchema.Options(maxEvaluationDepth: 200))
        let errors = s.validate(1)
        XCTAssertFalse(errors.isEmpty)
        XCTAssertTrue(errors.contains { $0.message.contains("nested deeper than 200") }, "\(errors)")
        XCTAssertFalse(s.isValid(1))
        // The default bound is also safe for the stack.
        let defaultBound = try JSONSchema(try json(text))
        XCTAssertFalse(defaultBound.isValid(1))
        XCTAssertFalse(defaultBound.validate(1).isEmpty)
    }

    func testDeeplyNestedSchemaValueIsRefusedNotOverflowed() throws {
        var value: JSONValue = true
        for _ in 0..<2000 { value = .object(["not": value]) }
        XCTAssertThrowsError(try JSONSchema(value)) { error in
            XCTAssertEqual((error as? SchemaError)?.code, .invalidKeyword)
        }
    }

    // MARK: Numbers

    func testIntegerAndDecimalSpellingsAreEqual() throws {
        XCTAssertTrue(try schema(##"{"const": 1}"##).isValid(.double(1.0)))
        XCTAssertTrue(try schema(##"{"enum": [2.0, "x"]}"##).isValid(2))
        XCTAssertTrue(try schema(##"{"type": "integer"}"##).isValid(.double(3.0)))
        XCTAssertFalse(try schema(##"{"type": "integer"}"##).isValid(.double(3.5)))
        XCTAssertFalse(try schema(##"{"uniqueItems": true}"##).isValid(try json("[1, 1.0]")))
    }

    func testMultipleOfIsExactForDecimals() throws {
        let tenth = try schema(##"{"multipleOf": 0.1}"##)
        XCTAssertTrue(tenth.isValid(.double(0.3)))
        XCTAssertTrue(tenth.isValid(.double(123456.7)))
        XCTAssertFalse(tenth.isValid(.double(0.35)))
        XCTAssertTrue(try schema(##"{"multipleOf": 0.01}"##).isValid(.double(19.99)))
        XCTAssertFalse(try schema(##"{"multipleOf": 0.123456789}"##).isValid(.double(1e308)))
    }

    func testBoundsCompareLargeIntegersExactly() throws {
        let s = try schema(##"{"maximum": 9007199254740992.0}"##)
        XCTAssertTrue(s.isValid(.int(9_007_199_254_740_992)))
        XCTAssertFalse(s.isValid(.int(9_007_199_254_740_993)))
    }

    // MARK: Strings and patterns

    func testLengthsCountCodePoints() throws {
        let s = try schema(##"{"minLength": 2, "maxLength": 2}"##)
        XCTAssertTrue(s.isValid("💩é"))
        XCTAssertFalse(s.isValid("💩"))
        XCTAssertFalse(s.isValid("abc"))
    }

    func testPatternDigitsAreASCIIAndDollarIsEndOfInput() throws {
        let digits = try schema(##"{"pattern": "^\\d+$"}"##)
        XCTAssertTrue(digits.isValid("123"))
        XCTAssertFalse(digits.isValid("١٢٣"))
        XCTAssertFalse(digits.isValid("123\n"))
        XCTAssertTrue(try schema(##"{"pattern": "b"}"##).isValid("abc"))
    }

    // MARK: Formats

    func testFormatAnnotatesByDefaultAndAssertsWhenAsked() throws {
        let text = ##"{"format": "date"}"##
        XCTAssertTrue(try schema(text).isValid("2024-02-30"))
        let asserting = try schema(text, options: JSONSchema.Options(formatAssertion: true))
        XCTAssertFalse(asserting.isValid("2024-02-30"))
        XCTAssertTrue(asserting.isValid("2024-02-29"))
        XCTAssertEqual(asserting.validate("nope").first?.keyword, "/format")
        XCTAssertTrue(try schema(##"{"format": "no-such-format"}"##, options: JSONSchema.Options(formatAssertion: true)).isValid("x"))
    }

    // MARK: Registry

    func testRemoteReferenceResolvesOnlyToRegisteredDocuments() throws {
        var registry = SchemaRegistry()
        try registry.register(try json(##"{"$defs": {"id": {"type": "string", "format": "uuid"}}}"##),
                              as: "https://schemas.example/common.json")
        let s = try JSONSchema(try json(##"{"$id": "https://schemas.example/person.json", "properties": {"id": {"$ref": "common.json#/$defs/id"}}}"##),
                               registry: registry, options: JSONSchema.Options(formatAssertion: true))
        XCTAssertTrue(s.isValid(try json(##"{"id": "123e4567-e89b-12d3-a456-426614174000"}"##)))
        XCTAssertEqual(s.validate(try json(##"{"id": "nope"}"##)).first?.keyword, "/properties/id/$ref/format")
        XCTAssertThrowsError(try registry.register(true, as: "relative.json"))
    }

    func testRegisteredDocumentReachedByAddressAndByIdIsOneDocument() throws {
        var registry = SchemaRegistry()
        try registry.register(try json(##"{"$id": "https://schemas.example/v1/name.json", "type": "string"}"##),
                              as: "https://mirror.example/name.json")
        let s = try JSONSchema(try json(##"{"prefixItems": [{"$ref": "https://mirror.example/name.json"}, {"$ref": "https://schemas.example/v1/name.json"}]}"##),
                               registry: registry)
        XCTAssertTrue(s.isValid(try json(##"["a", "b"]"##)))
        XCTAssertEqual(s.validate(try json(##"["a", 2]"##)).first?.keyword, "/prefixItems/1/$ref/type")
    }

    func testOneCompiledSchemaValidatesConcurrently() throws {
        let s = try schema(##"{"type": "array", "items": {"type": "integer", "minimum": 0}, "uniqueItems": true}"##)
        let good: JSONValue = .array((0..<50).map { .int($0) })
        let bad: JSONValue = .array([1, 2, -3])
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            XCTAssertEqual(s.validate(i % 2 == 0 ? good : bad).count, i % 2 == 0 ? 0 : 1)
        }
    }
}
