import PavilionCore
import PavilionCrypto
import PavilionData
import XCTest

/// Each operation, records of what ran, and compile errors that name the
/// step and the key.
final class TransformProgramTests: XCTestCase {
    static let tenantKey = Array("tenant-a secret key, 32 bytes!!".utf8)
    static let hmac: @Sendable ([UInt8]) -> [UInt8] = { data in
        try! HMACSHA256.authenticate(data, key: TransformProgramTests.tenantKey)
    }

    // MARK: Operations

    func testRenameMovesTheValue() throws {
        let result = try TransformTesting.run(#"[{"rename": {"from": "dob", "to": "birthdate"}}]"#, on: ["dob": "2000-01-01"])
        XCTAssertEqual(result.output, ["birthdate": "2000-01-01"])
        XCTAssertEqual(result.steps.first?.description, "[0] rename dob → birthdate (removed dob)")
    }

    func testRenameOntoAnExistingFieldIsAConflict() {
        let error = TransformTesting.runError(#"[{"rename": {"from": "a", "to": "b"}}]"#, on: ["a": 1, "b": 2])
        XCTAssertEqual(error?.code, .fieldConflict)
        XCTAssertEqual(error?.field, "b")
    }

    func testMapReplacesKnownValuesAndFallsBackToDefault() throws {
        let program = #"[{"map": {"field": "sex", "values": {"1": "male", "2": "female", "M": "male"}, "default": "unknown"}}]"#
        XCTAssertEqual(try TransformTesting.run(program, on: ["sex": 1]).output, ["sex": "male"])
        XCTAssertEqual(try TransformTesting.run(program, on: ["sex": "M"]).output, ["sex": "male"])
        let fallback = try TransformTesting.run(program, on: ["sex": "X"])
        XCTAssertEqual(fallback.output, ["sex": "unknown"])
        XCTAssertEqual(fallback.steps.first?.detail, "default")
    }

    func testMapWithoutDefaultRefusesUnknownValuesWithoutQuotingThem() {
        let error = TransformTesting.runError(#"[{"map": {"field": "s", "values": {"A": "active"}}}]"#, on: ["s": "secret-code"])
        XCTAssertEqual(error?.code, .invalidValue)
        XCTAssertFalse(error?.description.contains("secret-code") ?? true)
    }

    func testGeneralizeRangesLabelsHalfOpenBands() throws {
        let program = #"[{"generalize": {"field": "age", "ranges": [65, 18, 25, 35]}}]"#
        let labels = try [17, 18, 24, 25, 34, 64, 65, 90].map {
            try TransformTesting.run(program, on: ["age": .int($0)]).output["age"]?.stringValue
        }
        XCTAssertEqual(labels, ["<18", "18-24", "18-24", "25-34", "25-34", "35-64", "65+", "65+"])
        XCTAssertEqual(try TransformTesting.run(program, on: ["age": .double(24.5)]).output["age"], "18-24")
    }

    func testGeneralizeDatesToYearOrDecade() throws {
        XCTAssertEqual(try TransformTesting.run(#"[{"generalize": {"field": "d", "to": "year"}}]"#, on: ["d": "1987-06-05"]).output,
                       ["d": 1987])
        XCTAssertEqual(try TransformTesting.run(#"[{"generalize": {"field": "d", "to": "decade"}}]"#, on: ["d": "1987-06-05"]).output,
                       ["d": "1980s"])
    }

    func testGeneralizeRefusesTheWrongType() {
        XCTAssertEqual(TransformTesting.runError(#"[{"generalize": {"field": "a", "ranges": [18]}}]"#, on: ["a": "x"])?.code, .invalidValue)
        XCTAssertEqual(TransformTesting.runError(#"[{"generalize": {"field": "a", "to": "year"}}]"#, on: ["a": 1987])?.code, .invalidValue)
    }

    func testHashIsHMACUnderTheTenantKey() throws {
        let result = try TransformTesting.run(#"[{"hash": {"field": "id", "with": "hmac-sha256", "key": "tenant"}}]"#,
                                              on: ["id": "AB123456C"], keyedHash: Self.hmac)
        let expected = try HMACSHA256.authenticate(Array("AB123456C".utf8), key: Self.tenantKey)
        XCTAssertEqual(result.output["id"]?.stringValue, expected.map { String(format: "%02x", $0) }.joined())
    }

    func testHashDiffersPerTenant() throws {
        let program = #"[{"hash": {"field": "id", "with": "hmac-sha256", "key": "tenant"}}]"#
        let other: @Sendable ([UInt8]) -> [UInt8] = { try! HMACSHA256.authenticate($0, key: Array("tenant-b".utf8)) }
        let a = try TransformTesting.run(program, on: ["id": "AB123456C"], keyedHash: Self.hmac).output
        let b = try TransformTesting.run(program, on: ["id": "AB123456C"], keyedHash: other).output
        XCTAssertNotEqual(a, b)
    }

    func testTokenizeIsStableShortAndUnlikeTheHash() throws {
        let program = #"[{"tokenize": {"field": "email", "key": "tenant"}}, {"hash": {"field": "copy", "with": "hmac-sha256", "key": "tenant"}}]"#
        let one = try TransformTesting.run(program, on: ["email": "ada@example.org", "copy": "ada@example.org"], keyedHash: Self.hmac)
        let two = try TransformTesting.run(program, on: ["email": "ada@example.org", "copy": "ada@example.org"], keyedHash: Self.hmac)
        let token = one.output["email"]?.stringValue ?? ""
        XCTAssertEqual(one.output, two.output)
        XCTAssertTrue(token.hasPrefix("tok_"))
        XCTAssertEqual(token.count, 4 + 22)
        XCTAssertFalse(token.contains("ada"))
        XCTAssertFalse((one.output["copy"]?.stringValue ?? "").contains(token.dropFirst(4)))
    }

    func testHashWithoutAKeyedHashFails() {
        let error = TransformTesting.runError(#"[{"tokenize": {"field": "e", "key": "tenant"}}]"#, on: ["e": "x"])
        XCTAssertEqual(error?.code, .keyUnavailable)
    }

    func testRedactRemovesTheField() throws {
        let result = try TransformTesting.run(#"[{"redact": {"field": "ssn"}}]"#, on: ["ssn": "078-05-1120", "name": "x"])
        XCTAssertEqual(result.output, ["name": "x"])
        XCTAssertEqual(result.steps.first?.removed, ["ssn"])
    }

    func testAbsentOrNullFieldSkipsTheStep() throws {
        let result = try TransformTesting.run(#"[{"normalize": {"field": "phone", "as": "e164"}}, {"redact": {"field": "x"}}]"#,
                                              on: ["phone": nil])
        XCTAssertEqual(result.steps.map(\.outcome), [.skipped, .skipped])
        XCTAssertEqual(result.output, ["phone": nil])
    }

    func testNonObjectRecordIsRefused() {
        XCTAssertEqual(TransformTesting.runError("[]", on: [1, 2])?.code, .notAnObject)
    }

    func testStepRecordsNameFieldsButNeverValues() throws {
        let program = #"""
            [{"rename": {"from": "dob", "to": "birthdate"}},
             {"normalize": {"field": "phone", "as": "e164", "country_code": "44"}},
             {"derive": {"from": "birthdate", "age_over": [18]}},
             {"hash": {"field": "nino", "with": "hmac-sha256", "key": "tenant"}},
             {"redact": {"field": "birthdate"}}]
            """#
        let result = try TransformTesting.run(program, on: ["dob": "1990-05-17", "phone": "020 7946 0958", "nino": "AB123456C"],
                                              keyedHash: Self.hmac)
        XCTAssertEqual(result.steps.map(\.operation), ["rename", "normalize", "derive", "hash", "redact"])
        XCTAssertEqual(result.steps.map(\.detail), ["", "e164", "age_over", "hmac-sha256", ""])
        let lineage = JSONValue.array(result.steps.map(\.json)).serialized
        for secret in ["1990", "7946", "AB123456C"] { XCTAssertFalse(lineage.contains(secret), secret) }
    }

    // MARK: Compile errors

    func testCompileErrorsNameTheStepAndKey() {
        let cases: [(String, Int, String?, String)] = [
            (#"{"rename": {}}"#, 0, nil, "list of steps"),
            (#"[{"rename": {"from": "a", "to": "b"}}, {"renam": {"from": "a"}}]"#, 1, "renam", "unknown operation"),
            (#"[{"rename": {"from": "a", "to": "b"}, "redact": {"field": "c"}}]"#, 0, nil, "exactly one member"),
            (#"[{"rename": {"from": "a"}}]"#, 0, "rename", "missing required key 'to'"),
            (#"[{"rename": {"from": "a", "to": "b", "too": 1}}]"#, 0, "rename.too", "unknown key"),
            (#"[{"rename": {"from": "a", "to": "a"}}]"#, 0, "rename.to", "itself"),
            (#"[{"redact": {"field": ""}}]"#, 0, "redact.field", "1-128"),
            (#"[{"redact": {"field": 3}}]"#, 0, "redact.field", "field name"),
            (#"[{"map": {"field": "a", "values": {}}}]"#, 0, "map.values", "non-empty"),
            (#"[{"normalize": {"field": "a", "as": "phone"}}]"#, 0, "normalize.as", "e164"),
            (#"[{"normalize": {"field": "a", "as": "e164", "country_code": "044"}}]"#, 0, "normalize.country_code", "1-3 digits"),
            (#"[{"normalize": {"field": "a", "as": "e164", "country_code": 44}}]"#, 0, "normalize.country_code", "string"),
            (#"[{"normalize": {"field": "a", "as": "address", "country_code": "44"}}]"#, 0, "normalize.country_code", "only"),
            (#"[{"derive": {"from": "a", "age_over": []}}]"#, 0, "derive.age_over", "non-empty"),
            (#"[{"derive": {"from": "a", "age_over": [18, 18]}}]"#, 0, "derive.age_over", "twice"),
            (#"[{"derive": {"from": "a", "age_over": [18.5]}}]"#, 0, "derive.age_over", "integers"),
            (#"[{"derive": {"from": "a", "age_over": [0]}}]"#, 0, "derive.age_over", "1 to 150"),
            (#"[{"derive": {"from": "a", "age_over": [18], "as": "over"}}]"#, 0, "derive.as", "{N}"),
            (#"[{"generalize": {"field": "a"}}]"#, 0, "generalize", "exactly one"),
            (#"[{"generalize": {"field": "a", "ranges": [1], "to": "year"}}]"#, 0, "generalize", "exactly one"),
            (#"[{"generalize": {"field": "a", "ranges": [1, 1]}}]"#, 0, "generalize.ranges", "twice"),
            (#"[{"generalize": {"field": "a", "to": "century"}}]"#, 0, "generalize.to", "year, decade"),
            (#"[{"hash": {"field": "a", "with": "sha256", "key": "tenant"}}]"#, 0, "hash.with", "hmac-sha256"),
            (#"[{"hash": {"field": "a", "with": "hmac-sha256"}}]"#, 0, "hash", "'key'"),
            (#"[{"tokenize": {"field": "a", "key": "global"}}]"#, 0, "tokenize.key", "tenant"),
        ]
        for (json, step, key, fragment) in cases {
            let error = TransformTesting.compileError(json)
            XCTAssertEqual(error?.code, .invalidProgram, json)
            XCTAssertEqual(error?.step, step, json)
            XCTAssertEqual(error?.field, key, json)
            XCTAssertTrue(error?.reason.contains(fragment) ?? false, "\(json): \(error?.reason ?? "")")
        }
    }

    func testCompileErrorDescriptionStartsWithStepAndKey() {
        XCTAssertEqual(TransformTesting.compileError(#"[{"redact": {"field": "a"}}, {"normalize": {"field": "a", "as": "x"}}]"#)?
            .description.hasPrefix("[1].normalize.as: "), true)
    }

    func testTooManyStepsAreRefused() {
        let steps = Array(repeating: #"{"redact": {"field": "a"}}"#, count: TransformProgram.maxSteps + 1).joined(separator: ",")
        XCTAssertEqual(TransformTesting.compileError("[\(steps)]")?.code, .invalidProgram)
    }

    func testFieldsReadAreListedPerStep() throws {
        let program = try TransformTesting.program(#"[{"rename": {"from": "dob", "to": "b"}}, {"derive": {"from": "b", "age_over": [18]}}]"#)
        XCTAssertEqual(program.fieldsRead, ["dob", "b"])
        XCTAssertEqual(program.count, 2)
    }
}
