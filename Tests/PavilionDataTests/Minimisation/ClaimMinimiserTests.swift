import PavilionCore
import PavilionData
import XCTest

/// Only claims both requested and releasable leave the pipeline.
final class ClaimMinimiserTests: XCTestCase {
    func testOnlyRequestedReleasableClaimsRemain() {
        let minimiser = ClaimMinimiser(releasable: ["age_over_18", "age_over_21", "name_match"])
        let result = minimiser.minimise(["age_over_18": true, "age_over_21": false, "name_match": "true", "birthdate": "1990-05-17"],
                                        requested: ["age_over_18", "nationality", "name_match", "age_over_65"])
        XCTAssertEqual(result.claims, ["age_over_18": true, "name_match": "true"])
        XCTAssertEqual(result.withheld, ["age_over_65", "nationality"])
        XCTAssertEqual(result.unavailable, [])
        XCTAssertEqual(result.dropped, ["age_over_21", "birthdate"])
    }

    func testRequestedReleasableButAbsentIsUnavailable() {
        let result = ClaimMinimiser(releasable: ["email_match"]).minimise(["x": 1], requested: ["email_match"])
        XCTAssertEqual(result.claims, [:])
        XCTAssertEqual(result.unavailable, ["email_match"])
    }

    func testNonObjectRecordReleasesNothing() {
        XCTAssertEqual(ClaimMinimiser(releasable: ["a"]).minimise("a", requested: ["a"]).claims, [:])
    }

    func testBirthDateNeverAppearsAfterDeriveAndMinimise() throws {
        let raw: JSONValue = ["given_name": "Ada", "dob": "17.05.1990", "phone": "020 7946 0958"]
        let program = try TransformTesting.program(#"""
            [{"rename": {"from": "dob", "to": "birthdate"}},
             {"normalize": {"field": "birthdate", "as": "iso8601-date"}},
             {"derive": {"from": "birthdate", "age_over": [18, 21]}}]
            """#)
        let transformed = try program.run(raw, context: TransformContext(today: TransformTesting.today!))
        let result = ClaimMinimiser(releasable: ["age_over_18", "age_over_21"]).minimise(transformed.output, requested: ["age_over_18"])
        XCTAssertEqual(result.claims, ["age_over_18": true])
        // Neither the released claims nor what is kept for lineage hold the raw value, in any shape.
        let everything = result.claims.serialized + transformed.steps.map(\.description).joined()
            + result.dropped.joined() + JSONValue.array(transformed.steps.map(\.json)).serialized
        for shape in ["1990", "17.05", "05-17", "7946"] { XCTAssertFalse(everything.contains(shape), shape) }
    }
}
