import PavilionCore
import PavilionData
import XCTest

final class QualityScorerTests: XCTestCase {
    let now = LineageTimestamp.parse("2026-03-01T12:00:00Z") ?? LineageTimestamp(millisecondsSinceEpoch: 0)

    func policy(_ json: String) throws -> QualityPolicy { try QualityPolicy(json: JSONParser().parse(json)) }

    func reasons(_ r: QualityReport, _ d: QualityDimension) -> [String] {
        r.reasons.filter { $0.dimension == d }.map(\.description)
    }

    // MARK: Completeness

    func testCompletenessCountsRequiredAndExpectedFields() throws {
        let s = QualityScorer(policy: try policy(#"{"completeness": {"required": ["a", "b.c"], "expected": ["d", "e", "f"]}}"#))
        let full = s.score(["a": 1, "b": ["c": false], "d": "x", "e": [1], "f": ["k": 1]], validationErrors: nil, now: now)
        XCTAssertEqual(full.scores[.completeness], 1)
        XCTAssertEqual(full.decision, .accept)
        let partial = s.score(["a": 1, "b": ["c": 0], "d": "  ", "e": [], "f": .null], validationErrors: nil, now: now)
        XCTAssertEqual(partial.scores[.completeness], 0.4)
        XCTAssertEqual(reasons(partial, .completeness), ["completeness: missing_expected: d, e, f"])
        XCTAssertEqual(partial.decision, .reject, "overall 0.4 is below the flag threshold")
    }

    func testMissingRequiredFieldRejectsWhateverTheScore() throws {
        let s = QualityScorer(policy: try policy(#"{"completeness": {"required": ["a"], "expected": ["b","c","d","e","f","g","h","i","j"]}, "thresholds": {"accept": 0.5, "flag": 0.1}}"#))
        let r = s.score(["b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1, "i": 1, "j": 1], validationErrors: nil, now: now)
        XCTAssertEqual(r.scores[.completeness], 0.9)
        XCTAssertEqual(r.decision, .reject)
        XCTAssertEqual(reasons(r, .completeness), ["completeness: missing_required: a"])
    }

    // MARK: Validity

    func testValidityFallsWithFailingLocations() throws {
        let schema = try JSONSchema(JSONParser().parse(#"{"properties": {"a": {"type": "integer"}, "b": {"type": "string", "minLength": 3}}}"#))
        let s = QualityScorer(policy: QualityPolicy())
        let record: JSONValue = ["a": "1", "b": "x", "c": 1, "d": 2]
        let r = s.score(record, validationErrors: schema.validate(record), now: now)
        XCTAssertEqual(r.scores[.validity], 0.5)
        XCTAssertEqual(reasons(r, .validity), ["validity: schema_error: /a (type)", "validity: schema_error: /b (minLength)"])
        XCTAssertEqual(s.score(["a": 1], validationErrors: [], now: now).scores[.validity], 1)
        XCTAssertNil(s.score(["a": 1], validationErrors: nil, now: now).scores[.validity], "not validated, not scored")
    }

    func testRootLevelSchemaErrorScoresZeroValidityOnAnEmptyRecord() throws {
        let schema = try JSONSchema(JSONParser().parse(#"{"required": ["a"]}"#))
        let r = QualityScorer(policy: QualityPolicy()).score([:], validationErrors: schema.validate([:]), now: now)
        XCTAssertEqual(r.scores[.validity], 0)
        XCTAssertEqual(reasons(r, .validity), ["validity: schema_error: / (required)"])
    }

    func testValidityMinimumRejectsAnyError() throws {
        let s = QualityScorer(policy: try policy(#"{"minimums": {"validity": 1}}"#))
        let r = s.score(["a": 1, "b": 2, "c": 3, "d": 4, "e": 5], validationErrors: [ValidationError(instanceLocation: "/a", keyword: "type", message: "m")],
                        now: now)
        XCTAssertEqual(r.scores[.validity], 0.8)
        XCTAssertEqual(r.decision, .reject)
        XCTAssertTrue(r.reasons.contains { $0.code == "below_minimum" && $0.dimension == .validity })
    }

    // MARK: Consistency

    func testConsistencyRulesOnDatesAndConditions() throws {
        let s = QualityScorer(policy: try policy(#"""
            {"consistency": ["birthdate <= today",
                             {"name": "death_dated", "rule": "if deceased then deceased_date present"},
                             "if deceased_date present then deceased_date >= birthdate",
                             "updated_at <= now"]}
            """#))
        let good = s.score(["birthdate": "1815-12-10", "deceased": true, "deceased_date": "1852-11-27", "updated_at": "2026-03-01T11:00:00Z"],
                           validationErrors: nil, now: now)
        XCTAssertEqual(good.scores[.consistency], 1)
        let bad = s.score(["birthdate": "2030-01-01", "deceased": true, "updated_at": "2026-03-01T13:00:00+00:00"], validationErrors: nil, now: now)
        XCTAssertEqual(bad.scores[.consistency], 0, "three rules apply, all fail; the third does not apply")
        XCTAssertEqual(reasons(bad, .consistency), [
            "consistency: rule_violated: birthdate (birthdate <= today)",
            "consistency: rule_violated: deceased, deceased_date (death_dated)",
            "consistency: rule_violated: updated_at (updated_at <= now)",
        ])
        let reversed = s.score(["birthdate": "1900-01-01", "deceased_date": "1899-12-31"], validationErrors: nil, now: now)
        XCTAssertEqual(reversed.scores[.consistency], 0.5)
    }

    func testRulesWithAbsentFieldsDoNotApply() throws {
        let s = QualityScorer(policy: try policy(#"{"consistency": ["birthdate <= today", "if deceased then deceased_date present"]}"#))
        let r = s.score(["deceased": false], validationErrors: nil, now: now)
        XCTAssertNil(r.scores[.consistency])
        XCTAssertEqual(r.overall, 1)
    }

    func testRuleLogicNumbersStringsAndIncomparableValues() throws {
        let record: JSONValue = ["age": 42, "min": 18, "country": "GB", "flag": true, "obj": ["k": 1], "d": "2020-02-01", "e": "2020-2-1"]
        func outcome(_ rule: String) throws -> ConsistencyRule.Outcome { try ConsistencyRule(rule).evaluate(record, now: now) }
        XCTAssertEqual(try outcome("age >= min and age < 150"), .satisfied)
        XCTAssertEqual(try outcome("country == 'GB' or country == \"IE\""), .satisfied)
        XCTAssertEqual(try outcome("not (country != 'GB')"), .satisfied)
        XCTAssertEqual(try outcome("flag"), .satisfied)
        XCTAssertEqual(try outcome("age == 42.0"), .satisfied)
        XCTAssertEqual(try outcome("age > -1.5e1"), .satisfied)
        XCTAssertEqual(try outcome("obj < 3"), .violated, "an object and a number cannot be compared")
        XCTAssertEqual(try outcome("obj != 3"), .satisfied)
        XCTAssertEqual(try outcome("missing == 1 or age == 42"), .satisfied, "unknown or true is true")
        XCTAssertEqual(try outcome("missing == 1 and age == 42"), .notApplicable, "unknown and true is unknown")
        XCTAssertEqual(try outcome("missing == 1 and age == 0"), .violated, "unknown and false is false")
        XCTAssertEqual(try outcome("d < today"), .satisfied)
        XCTAssertEqual(try outcome("country absent"), .violated)
        XCTAssertEqual(try outcome("obj.k == 1"), .satisfied)
        XCTAssertEqual(try ConsistencyRule("if a then b", name: "n").fields, ["a", "b"])
    }

    func testBadRulesAreRefusedWithTheColumn() throws {
        let cases: [(String, String)] = [
            ("birthdate <=", "column 13: expected a field, literal, 'today' or 'now', found the end"),
            ("if deceased deceased_date present", "column 13: expected 'then' after the condition, found 'deceased_date'"),
            ("a = b", "column 3: '=' is not an operator (use ==, !=, <, <=, >, >=)"),
            ("a == 'open", "column 6: string never closed"),
            ("(a == 1", "column 8: expected ')', found the end"),
            ("a == null", "column 6: expected an operand (compare with null using 'present' or 'absent'), found 'null'"),
            ("today present", "column 7: expected a field before 'present' or 'absent', found 'present'"),
            ("a == 1 b", "column 8: expected the end of the rule, found 'b'"),
            ("a ~ b", "column 3: unexpected character U+7E"),
            ("", "column 1: expected a field, literal, 'today' or 'now', found the end"),
        ]
        for (rule, message) in cases {
            XCTAssertThrowsError(try ConsistencyRule(rule), rule) { error in
                XCTAssertEqual((error as? QualityPolicyError)?.code, .invalidRule)
                XCTAssertEqual((error as? QualityPolicyError)?.reason, message, rule)
            }
        }
    }

    // MARK: Timeliness

    func testTimelinessDecaysAfterMaxAge() throws {
        let s = QualityScorer(policy: try policy(#"{"timeliness": {"field": "meta.updated", "max_age": "P10D"}}"#))
        func score(_ v: JSONValue) -> QualityReport { s.score(["meta": ["updated": v]], validationErrors: nil, now: now) }
        XCTAssertEqual(score("2026-02-25T12:00:00Z").scores[.timeliness], 1)
        XCTAssertEqual(score("2026-02-19T12:00:00Z").scores[.timeliness], 1, "exactly max age")
        XCTAssertEqual(score("2026-02-14T12:00:00Z").scores[.timeliness], 0.5)
        XCTAssertEqual(score("2026-02-14").scores[.timeliness], 0.45, "a date counts from midnight UTC")
        XCTAssertEqual(score("2025-01-01T00:00:00Z").scores[.timeliness], 0)
        XCTAssertEqual(reasons(score("2025-01-01T00:00:00Z"), .timeliness), ["timeliness: stale: meta.updated (older than 864000 s)"])
        XCTAssertEqual(score("2026-03-01T12:04:00Z").scores[.timeliness], 1, "within clock skew")
        XCTAssertEqual(score("2026-03-02T12:00:00Z").scores[.timeliness], 0)
        XCTAssertEqual(reasons(score("2026-03-02T12:00:00Z"), .timeliness), ["timeliness: timestamp_in_future: meta.updated"])
        XCTAssertEqual(score("last week").scores[.timeliness], 0)
        XCTAssertEqual(score(17).scores[.timeliness], 0)
        let missing = s.score([:], validationErrors: nil, now: now)
        XCTAssertNil(missing.scores[.timeliness])
        XCTAssertEqual(reasons(missing, .timeliness), ["timeliness: timestamp_missing: meta.updated"])
    }

    // MARK: Uniqueness

    func testUniquenessFindsDuplicatesInABatch() throws {
        let s = QualityScorer(policy: try policy(#"{"uniqueness": {"key": ["id"]}}"#))
        let batch: [JSONValue] = [["id": "p1", "n": 1], ["id": "p2"], ["id": "p1", "n": 2], ["id": "p1"], ["x": 1], ["x": 1], ["x": 2]]
        let reports = s.score(batch: batch, validationErrors: nil, now: now)
        XCTAssertEqual(reports.map { $0.scores[.uniqueness] }, [0.3333, 1, 0.3333, 0.3333, 0.5, 0.5, 1])
        XCTAssertEqual(reasons(reports[0], .uniqueness), ["uniqueness: duplicate: id (3 records share the key)"])
        XCTAssertNil(s.score(["id": "p1"], validationErrors: nil, now: now).scores[.uniqueness], "a single record is not scored")
        let unconfigured = QualityScorer(policy: QualityPolicy()).score(batch: batch, validationErrors: nil, now: now)
        XCTAssertTrue(unconfigured.allSatisfy { $0.scores[.uniqueness] == nil })
    }

    // MARK: Accuracy

    func testAccuracyComparesWithOtherProviders() throws {
        let s = QualityScorer(policy: try policy(#"""
            {"accuracy": {"fields": ["family_name", "birthdate", "sex"], "compare": {"family_name": "text", "birthdate": "date"}}}
            """#))
        let mine: JSONValue = ["family_name": "Lovelace ", "birthdate": "1815-12-10", "sex": "female"]
        let agreeing = s.score(mine, validationErrors: nil, now: now,
                               peers: ["registry-b": ["family_name": "LOVELACE", "birthdate": "18151210"]])
        XCTAssertEqual(agreeing.scores[.accuracy], 1, "sex is not compared: no peer has it")
        let disagreeing = s.score(mine, validationErrors: nil, now: now, peers: [
            "registry-b": ["family_name": "Lovelace", "birthdate": "1815-12-11", "sex": "female"],
            "registry-c": ["birthdate": "1815-12-10", "sex": "male"],
        ])
        XCTAssertEqual(disagreeing.scores[.accuracy], 0.3333)
        XCTAssertEqual(reasons(disagreeing, .accuracy), ["accuracy: disagreement: birthdate (registry-b)", "accuracy: disagreement: sex (registry-c)"])
        XCTAssertNil(s.score(mine, validationErrors: nil, now: now).scores[.accuracy], "no peers, no accuracy")
        let text = disagreeing.json.serialized
        for value in ["Lovelace", "1815", "female", "male"] { XCTAssertFalse(text.contains(value), value) }
    }

    // MARK: Weights, thresholds, policy

    func testWeightsAndThresholdsDecide() throws {
        let p = try policy(#"""
            {"completeness": {"expected": ["a", "b"]}, "consistency": ["x > 0"],
             "weights": {"completeness": 3, "consistency": 1}, "thresholds": {"accept": 0.8, "flag": 0.5}}
            """#)
        let s = QualityScorer(policy: p)
        XCTAssertEqual(s.score(["a": 1, "b": 1, "x": 1], validationErrors: nil, now: now).decision, .accept)
        let flagged = s.score(["a": 1, "b": 1, "x": -1], validationErrors: nil, now: now)
        XCTAssertEqual(flagged.overall, 0.75)
        XCTAssertEqual(flagged.decision, .flag)
        let rejected = s.score(["a": 1, "x": -1], validationErrors: nil, now: now)
        XCTAssertEqual(rejected.overall, 0.375)
        XCTAssertEqual(rejected.decision, .reject)
        let zeroWeight = QualityScorer(policy: try policy(#"{"consistency": ["x > 0"], "weights": {"consistency": 0}}"#))
        XCTAssertEqual(zeroWeight.score(["x": -1], validationErrors: nil, now: now).overall, 1)
    }

    func testBadPoliciesAreRefusedWithThePath() throws {
        let cases: [(String, QualityPolicyError.Code, String)] = [
            (#"[]"#, .invalidValue, ""),
            (#"{"completnes": {}}"#, .unknownMember, "completnes"),
            (#"{"completeness": {"required": "a"}}"#, .invalidValue, "completeness.required"),
            (#"{"completeness": {"required": ["a", "a"]}}"#, .invalidValue, "completeness.required[1]"),
            (#"{"completeness": {"optional": []}}"#, .unknownMember, "completeness.optional"),
            (#"{"consistency": ["a <= today", {"name": "n", "rule": "a <"}]}"#, .invalidRule, "consistency[1].rule"),
            (#"{"consistency": [{"rule": 1}]}"#, .invalidValue, "consistency[0].rule"),
            (#"{"consistency": [7]}"#, .invalidValue, "consistency[0]"),
            (#"{"timeliness": {"field": "u", "max_age": "P1Y"}}"#, .invalidValue, "timeliness.max_age"),
            (#"{"timeliness": {"field": "u", "max_age": 0}}"#, .invalidValue, "timeliness.max_age"),
            (#"{"timeliness": {"max_age": 10}}"#, .invalidValue, "timeliness.field"),
            (#"{"accuracy": {"fields": []}}"#, .invalidValue, "accuracy.fields"),
            (#"{"accuracy": {"fields": ["a"], "compare": {"a": "fuzzy"}}}"#, .invalidValue, "accuracy.compare.a"),
            (#"{"accuracy": {"fields": ["a"], "compare": {"b": "text"}}}"#, .unknownMember, "accuracy.compare.b"),
            (#"{"weights": {"validity": -1}}"#, .invalidValue, "weights.validity"),
            (#"{"weights": {"beauty": 1}}"#, .unknownMember, "weights.beauty"),
            (#"{"thresholds": {"accept": 1.5}}"#, .invalidValue, "thresholds.accept"),
            (#"{"thresholds": {"accept": 0.5, "flag": 0.7}}"#, .invalidValue, "thresholds"),
            (#"{"minimums": {"validity": "1"}}"#, .invalidValue, "minimums.validity"),
        ]
        for (json, code, path) in cases {
            XCTAssertThrowsError(try policy(json), json) { error in
                let e = error as? QualityPolicyError
                XCTAssertEqual(e?.code, code, "\(json): \(error)")
                XCTAssertEqual(e?.path, path, json)
            }
        }
    }

    func testDurationsInPolicies() throws {
        XCTAssertEqual(try policy(#"{"timeliness": {"field": "u", "max_age": "P1W"}}"#).maxAgeSeconds, 604_800)
        XCTAssertEqual(try policy(#"{"timeliness": {"field": "u", "max_age": "P1DT6H30M15S"}}"#).maxAgeSeconds, 109_815)
        XCTAssertEqual(try policy(#"{"timeliness": {"field": "u", "max_age": 3600}}"#).maxAgeSeconds, 3600)
        for bad in ["P", "PT", "P1H", "PT1D", "P1.5D", "1D", "P1D2"] {
            XCTAssertThrowsError(try policy(#"{"timeliness": {"field": "u", "max_age": "\#(bad)"}}"#), bad)
        }
    }

    func testReportRoundTripsThroughJSON() throws {
        let s = QualityScorer(policy: try policy(#"{"completeness": {"required": ["a"], "expected": ["b", "c"]}, "consistency": ["a > 1"]}"#))
        let r = s.score(["a": 1], validationErrors: [], now: now)
        XCTAssertEqual(try QualityReport(json: JSONParser().parse(r.json.serialized)), r)
        XCTAssertThrowsError(try QualityReport(json: ["scores": ["beauty": 1], "overall": 1, "decision": "accept", "reasons": []]))
    }

    // MARK: Summary

    func testSummaryAveragesPerDimensionAndCountsDecisions() throws {
        let s = QualityScorer(policy: try policy(#"{"completeness": {"expected": ["a", "b"]}, "timeliness": {"field": "t", "max_age": 60}}"#))
        var summary = QualitySummary(connector: "fhir-patient")
        XCTAssertNil(summary.meanOverall)
        summary.add(s.score(["a": 1, "b": 1, "t": "2026-03-01T12:00:00Z"], validationErrors: nil, now: now))
        summary.add(s.score(["a": 1], validationErrors: nil, now: now))
        var other = QualitySummary(connector: "fhir-patient")
        other.add(s.score([:], validationErrors: nil, now: now))
        summary.merge(other)
        XCTAssertEqual(summary.count, 3)
        XCTAssertEqual(summary.mean(.completeness) ?? -1, 0.5, accuracy: 1e-9)
        XCTAssertEqual(summary.mean(.timeliness), 1, "only the report that scored it counts")
        XCTAssertNil(summary.mean(.accuracy))
        XCTAssertEqual(summary.decisions, [.accept: 1, .reject: 2])
        XCTAssertEqual(summary.json.serialized,
                       #"{"connector":"fhir-patient","count":3,"decisions":{"accept":1,"flag":0,"reject":2},"mean":{"completeness":0.5,"timeliness":1},"mean_overall":0.5}"#)
    }
}
