import Foundation
import PavilionCore
import PavilionData
import PavilionTestSupport
import XCTest

/// Checks exported events against the official OpenLineage 2-0-2 schema and
/// the standard facets used (Tests/Fixtures/openlineage, see SOURCES), with
/// PavilionData's own validator and format assertion on.
final class OpenLineageExportTests: XCTestCase {
    static let folder = TestEnvironment.fixtures("openlineage")
    static let facetFiles = ["JobTypeJobFacet", "ParentRunFacet", "ErrorMessageRunFacet", "DatasetVersionDatasetFacet",
                             "DataQualityAssertionsDatasetFacet"]

    let exporter = OpenLineageExporter(producer: "https://github.com/pavilion/pavilion/tree/0.9.0", jobNamespace: "pavilion://broker.example",
                                       digester: LineageSample.sha256)

    static func load(_ path: String) throws -> JSONValue {
        try JSONParser().parse(bytes: try Data(contentsOf: folder.appendingPathComponent(path)))
    }

    /// The core schema and one validator per facet, by facet key.
    static func validators() throws -> (core: JSONSchema, facets: [String: JSONSchema]) {
        var registry = SchemaRegistry()
        let core = try load("OpenLineage.json")
        try registry.register(core, as: "https://openlineage.io/spec/2-0-2/OpenLineage.json")
        var facetSchemas: [String: (id: String, def: String)] = [:]
        for name in facetFiles {
            let doc = try load("facets/\(name).json")
            guard let id = doc["$id"]?.stringValue, let key = doc["properties"]?.objectValue?.keys.first else {
                throw XCTSkip("facet \(name) has no $id or property")
            }
            try registry.register(doc, as: id)
            facetSchemas[key] = (id, name)
        }
        let options = JSONSchema.Options(formatAssertion: true)
        let coreSchema = try JSONSchema(core, registry: registry, options: options)
        var facets: [String: JSONSchema] = [:]
        for (key, s) in facetSchemas {
            facets[key] = try JSONSchema(["$ref": .string("\(s.id)#/$defs/\(s.def)")], registry: registry, options: options)
        }
        return (coreSchema, facets)
    }

    /// Every facet object in an event, by key.
    func facets(in value: JSONValue) -> [(key: String, value: JSONValue)] {
        var out: [(String, JSONValue)] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, child) in o {
                    if ["facets", "inputFacets", "outputFacets"].contains(k), let fs = child.objectValue {
                        for (fk, fv) in fs { out.append((fk, fv)) }
                    }
                    walk(child)
                }
            case .array(let a): a.forEach(walk)
            default: break
            }
        }
        walk(value)
        return out
    }

    func assertValid(_ events: [JSONValue], file: StaticString = #filePath, line: UInt = #line) throws {
        let (core, facetValidators) = try Self.validators()
        for (i, event) in events.enumerated() {
            let errors = core.validate(event)
            XCTAssertEqual(errors.map(\.description), [], "event \(i) breaks OpenLineage.json", file: file, line: line)
            for (key, value) in facets(in: event) {
                guard let v = facetValidators[key] else {
                    XCTAssertEqual(key, "pavilion_stage", "unexpected facet \(key)", file: file, line: line)
                    continue
                }
                XCTAssertEqual(v.validate(value).map(\.description), [],
                               "event \(i) facet \(key) breaks its schema", file: file, line: line)
            }
        }
    }

    func testEventsOfACompleteVerificationMatchTheOfficialSchema() throws {
        let events = exporter.events(for: try LineageSample.graph())
        try assertValid(events)
        // 13 stages after the request, two events each, plus the verification's two.
        XCTAssertEqual(events.count, 28)
        XCTAssertEqual(events.first?["eventType"], "START")
        XCTAssertEqual(events.first?["job"]?["name"], "verification.fhir-patient")
        XCTAssertEqual(events.last?["eventType"], "COMPLETE")
        XCTAssertEqual(events.last?["outputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["verifications/vrf_01HZX/credential"])
    }

    func testEachRunStartsThenEndsAndChildrenNameTheirParent() throws {
        let events = exporter.events(for: try LineageSample.graph())
        var state: [String: String] = [:]
        let parentRun = events.first?["run"]?["runId"]?.stringValue
        for e in events {
            guard let run = e["run"]?["runId"]?.stringValue, let type = e["eventType"]?.stringValue else { return XCTFail("no run id") }
            XCTAssertNotNil(UUID(uuidString: run), run)
            XCTAssertEqual(Array(run)[14], "8", "version 8 UUID")
            if type == "START" { XCTAssertNil(state[run]) } else { XCTAssertEqual(state[run], "START") }
            state[run] = type
            if run != parentRun { XCTAssertEqual(e["run"]?["facets"]?["parent"]?["run"]?["runId"]?.stringValue, parentRun) }
        }
        XCTAssertTrue(state.values.allSatisfy { $0 == "COMPLETE" })
        let times = events.compactMap { $0["eventTime"]?.stringValue.flatMap(LineageTimestamp.parse) }
        XCTAssertEqual(times.count, events.count)
        XCTAssertEqual(times.first, LineageSample.t0)
    }

    func testDatasetsCarryDigestsAndQualityAssertions() throws {
        let graph = try LineageSample.graph()
        let events = exporter.events(for: graph)
        let validationEnd = events.first { $0["job"]?["name"] == "verification.fhir-patient.exchange.1" && $0["eventType"] == "COMPLETE" }
        let output = validationEnd?["outputs"]?.arrayValue?.first
        guard case .dpExchange(let x)? = graph.node("exchange.1")?.detail, let digest = x.responseDigest else { return XCTFail() }
        XCTAssertEqual(output?["facets"]?["version"]?["datasetVersion"]?.stringValue, digest.description)
        XCTAssertEqual(validationEnd?["inputs"]?.arrayValue?.first?["name"], "verifications/vrf_01HZX/exchange.0")
        let quality = events.first { $0["job"]?["name"] == "verification.fhir-patient.quality" && $0["eventType"] == "COMPLETE" }
        let assertions = quality?["inputs"]?.arrayValue?.first?["inputFacets"]?["dataQualityAssertions"]?["assertions"]?.arrayValue ?? []
        XCTAssertEqual(assertions.compactMap { $0["assertion"]?.stringValue },
                       ["completeness", "validity", "consistency", "timeliness", "decision"])
    }

    func testFailedStagesEmitFAILWithACodeNotAValue() throws {
        var r = LineageRecorder(verificationID: "vrf_2", connector: "camara-kyc-match", connectorVersion: "2.0.1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        r.recordRequest(requestID: "r", tenant: "t", purpose: "kyc", requestedClaims: ["name_match"], subject: LineageSample.subject, at: LineageSample.t0)
        r.recordPolicyDecision(permitted: true, lawfulBasis: "contract", region: "eu", allowedRegions: ["eu"], at: LineageSample.t0)
        r.recordExchange(region: "eu", endpoint: "https://kyc.example", index: 0, httpStatus: 200, responseBody: Array(#"{"name":"Ada"}"#.utf8),
                         at: LineageSample.t0, duration: .milliseconds(9))
        let schema = try JSONSchema(JSONParser().parse(#"{"properties": {"name": {"maxLength": 2}}}"#))
        let doc: JSONValue = ["name": "Ada"]
        r.recordValidation(target: "output", schema: "kyc/output", document: doc, errors: schema.validate(doc), at: LineageSample.t0)
        let events = exporter.events(for: r.graph)
        try assertValid(events)
        let fail = events.filter { $0["eventType"] == "FAIL" }
        XCTAssertEqual(fail.count, 2, "the stage and the verification")
        XCTAssertEqual(fail.first?["run"]?["facets"]?["errorMessage"]?["message"], "schema_violation: /name /properties/name/maxLength")
        XCTAssertFalse(events.map(\.serialized).joined().contains("Ada"))
    }

    func testExportIsDeterministic() throws {
        let a = exporter.events(for: try LineageSample.graph()).map(\.serialized)
        let b = exporter.events(for: try LineageGraph(json: LineageSample.graph().json)).map(\.serialized)
        XCTAssertEqual(a, b)
        let other = OpenLineageExporter(producer: "https://x.example", jobNamespace: "ns", digester: LineageSample.sha256)
        XCTAssertEqual(other.events(for: try LineageSample.graph()).first?["run"]?["runId"], try XCTUnwrap(a.first.flatMap { try? JSONParser().parse($0) })["run"]?["runId"],
                       "run ids depend on the verification, not the exporter")
    }

    func testSchemaCatchesABrokenEvent() throws {
        // The validator is really checking: an event without a run id, or with a bad time, fails.
        let (core, _) = try Self.validators()
        guard case .object(var e) = exporter.events(for: try LineageSample.graph())[0] else { return XCTFail() }
        e["eventTime"] = "yesterday"
        XCTAssertFalse(core.isValid(.object(e)))
        e["eventTime"] = "2026-03-01T09:00:00Z"
        XCTAssertTrue(core.isValid(.object(e)))
        e["run"] = ["facets": [:]]
        XCTAssertFalse(core.isValid(.object(e)))
    }
}
