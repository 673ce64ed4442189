import PavilionCore
import PavilionData
import XCTest

final class LineageGraphTests: XCTestCase {
    func testRecorderBuildsEveryStageInPipelineOrder() throws {
        let graph = try LineageSample.graph()
        XCTAssertEqual(graph.nodes.map(\.id), [
            "request", "policy", "validation.input", "exchange.0", "exchange.1", "validation.output", "quality",
            "transform.0", "transform.1", "transform.2", "transform.3", "minimisation", "claims", "credential",
        ])
        XCTAssertEqual(Set(graph.nodes.map(\.kind)), Set(LineageNode.Kind.allCases))
        XCTAssertEqual(graph.edges.map { "\($0.from)>\($0.to):\($0.relation.rawValue)" }, [
            "request>policy:decided", "policy>validation.input:validated", "validation.input>exchange.0:permitted",
            "exchange.0>exchange.1:followed", "exchange.1>validation.output:validated", "validation.output>quality:scored",
            "quality>transform.0:transformed", "transform.0>transform.1:followed", "transform.1>transform.2:followed",
            "transform.2>transform.3:followed", "transform.3>minimisation:minimised", "minimisation>claims:released",
            "claims>credential:issued",
        ])
        XCTAssertEqual(graph.status, .ok)
        XCTAssertEqual(graph.node("transform.1")?.status, .skipped, "normalising an absent fax is skipped")
    }

    func testExchangeRecordsRegionEndpointDigestAndDuration() throws {
        let graph = try LineageSample.graph()
        guard case .dpExchange(let x)? = graph.node("exchange.1")?.detail else { return XCTFail("no exchange.1") }
        XCTAssertEqual(x.connector, "fhir-patient")
        XCTAssertEqual(x.connectorVersion, "1.4.0")
        XCTAssertEqual(x.region, "eu-west")
        XCTAssertEqual(x.index, 1)
        XCTAssertEqual(x.httpStatus, 200)
        XCTAssertEqual(x.responseDigest, LineageSample.sha256.digest(LineageSample.dpRecord.serializedBytes))
        XCTAssertEqual(x.responseDigest?.algorithm, "sha-256")
        XCTAssertEqual(x.responseDigest?.hex.count, 64)
        XCTAssertEqual(graph.node("exchange.1")?.durationMicroseconds, 118_000)
        guard case .dpExchange(let first)? = graph.node("exchange.0")?.detail else { return XCTFail("no exchange.0") }
        XCTAssertEqual(first.endpoint, "https://fhir.eu.example/r4", "user info, query and fragment are dropped")
    }

    func testSerialisedGraphNeverHoldsPersonalData() throws {
        let text = try LineageSample.graph().json.serialized
        for secret in LineageSample.secrets {
            XCTAssertFalse(text.contains(secret), "lineage holds a raw value: \(secret)")
        }
        // Names are kept.
        for name in ["birthdate", "age_over_18", "given_name", "family_name_match", "address"] {
            XCTAssertTrue(text.contains("\"\(name)\""), "lineage lacks the name \(name)")
        }
    }

    func testValidationKeepsPointersAndKeywordsNotMessages() throws {
        let schema = try JSONSchema(JSONParser().parse(#"{"properties": {"birthdate": {"const": "1815-12-10"}}}"#))
        let record: JSONValue = ["birthdate": "1999-01-01"]
        let errors = schema.validate(record)
        XCTAssertFalse(errors.isEmpty)
        var r = LineageRecorder(verificationID: "v", connector: "c", connectorVersion: "1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        r.recordValidation(target: "output", schema: "s", document: record, errors: errors + errors, at: LineageSample.t0)
        let text = r.graph.json.serialized
        XCTAssertFalse(text.contains("1815-12-10"))
        XCTAssertFalse(text.contains("1999-01-01"))
        guard case .validation(let v)? = r.graph.node("validation.output")?.detail else { return XCTFail() }
        XCTAssertEqual(v.errors, [.init(pointer: "/birthdate", keyword: "/properties/birthdate/const")], "repeated errors are recorded once")
        XCTAssertEqual(r.graph.status, .failed)
    }

    func testAnExchangeReusesAKnownDigestOfItsOwnAlgorithmOnly() throws {
        let body = Array(#"{"ok":true}"#.utf8)
        var r = LineageRecorder(verificationID: "v", connector: "c", connectorVersion: "1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        let computed = LineageSample.sha256.digest(body)
        let same = r.recordExchange(region: "eu", endpoint: "https://dp.example", index: 0, httpStatus: 200, responseBody: body,
                                    responseDigest: computed, at: LineageSample.t0, duration: nil)
        let foreign = try ContentDigest(algorithm: "sha-512", hex: String(repeating: "ab", count: 64))
        let other = r.recordExchange(region: "eu", endpoint: "https://dp.example", index: 1, httpStatus: 200, responseBody: body,
                                     responseDigest: foreign, at: LineageSample.t0, duration: nil)
        for id in [same, other] {
            guard case .dpExchange(let x)? = r.graph.node(id)?.detail else { return XCTFail(id) }
            XCTAssertEqual(x.responseDigest, computed, "\(id): the digest is always of the recorder's algorithm over the body")
            XCTAssertEqual(x.responseBytes, body.count)
        }
    }

    func testJSONRoundTripIsExactAndStable() throws {
        let graph = try LineageSample.graph()
        let text = graph.json.serialized
        let parsed = try LineageGraph(json: JSONParser().parse(text))
        XCTAssertEqual(parsed, graph)
        XCTAssertEqual(parsed.json.serialized, text)
        XCTAssertEqual(try LineageSample.graph().json.serialized, text, "the same verification serialises alike")
    }

    func testExchangesWithSeveralProvidersBranchAndJoin() throws {
        var r = LineageRecorder(verificationID: "v", connector: "a", connectorVersion: "1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        r.recordRequest(requestID: "r", tenant: nil, purpose: "p", requestedClaims: [], subject: [:], at: LineageSample.t0)
        r.recordPolicyDecision(permitted: true, lawfulBasis: nil, region: "eu", allowedRegions: ["eu"], at: LineageSample.t0)
        let a0 = r.recordExchange(region: "eu", endpoint: "https://a", index: 0, httpStatus: 200, responseBody: [1], at: LineageSample.t0, duration: nil)
        let b0 = r.recordExchange(connector: "b", connectorVersion: "2", region: "eu", endpoint: "https://b", index: 0, httpStatus: 200,
                                  responseBody: [2], at: LineageSample.t0, duration: nil)
        let a1 = r.recordExchange(region: "eu", endpoint: "https://a", index: 1, httpStatus: nil, responseBody: nil, errorCode: "timeout",
                                  at: LineageSample.t0, duration: .seconds(5))
        let v = r.recordValidation(target: "output", schema: "s", document: [:], errors: [], at: LineageSample.t0)
        let g = r.graph
        XCTAssertEqual(Set(g.edges.filter { $0.to == b0 }.map(\.from)), ["policy"])
        XCTAssertEqual(Set(g.edges.filter { $0.to == a1 }.map(\.from)), [a0])
        XCTAssertEqual(Set(g.edges.filter { $0.to == v }.map(\.from)), [a1, b0])
        XCTAssertEqual(g.node(a1)?.status, .failed)
        XCTAssertEqual(g.status, .failed)
        XCTAssertEqual(g.stageColumns[a0], g.stageColumns[a1], "exchanges of one connector share a column")
        XCTAssertEqual(g.stageColumns[b0], g.stageColumns[a0])
        XCTAssertEqual(g.stageColumns[v], (g.stageColumns[a0] ?? 0) + 1)
    }

    func testDeniedRequestEndsAtAFailedPolicyNode() throws {
        var r = LineageRecorder(verificationID: "v", connector: "c", connectorVersion: "1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        r.recordRequest(requestID: "r", tenant: "t", purpose: "marketing", requestedClaims: ["x"], subject: "not an object", at: LineageSample.t0)
        r.recordPolicyDecision(permitted: false, lawfulBasis: nil, region: nil, allowedRegions: [], reasonCode: "residency_not_allowed",
                               at: LineageSample.t0)
        let g = r.graph
        XCTAssertEqual(g.nodes.count, 2)
        XCTAssertEqual(g.status, .failed)
        guard case .request(let req)? = g.node("request")?.detail else { return XCTFail() }
        XCTAssertEqual(req.subjectFields, [])
        XCTAssertEqual(try LineageGraph(json: g.json), g)
    }

    func testRecordingAStageTwiceGivesDistinctIDs() throws {
        var r = LineageRecorder(verificationID: "v", connector: "c", connectorVersion: "1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        let a = r.recordValidation(target: "output", schema: "s", document: [:], errors: [], at: LineageSample.t0)
        let b = r.recordValidation(target: "output", schema: "s", document: [:], errors: [], at: LineageSample.t0)
        let c = r.recordValidation(target: "a b/c", schema: "s", document: [:], errors: [], at: LineageSample.t0)
        XCTAssertEqual([a, b, c], ["validation.output", "validation.output.2", "validation.a_b_c"])
    }

    func testMalformedGraphsAreRefused() throws {
        let good = try LineageSample.graph().json
        func mutate(_ f: (inout [String: JSONValue]) -> Void) -> JSONValue {
            var o = good.objectValue ?? [:]
            f(&o)
            return .object(o)
        }
        let nodes = good["nodes"]?.arrayValue ?? []
        let cases: [(String, JSONValue, LineageError.Code)] = [
            ("not an object", .array([]), .malformedGraph),
            ("wrong format", mutate { $0["format"] = "pavilion.lineage/99" }, .malformedGraph),
            ("missing nodes", mutate { $0["nodes"] = nil }, .malformedGraph),
            ("duplicate node", mutate { $0["nodes"] = .array(nodes + [nodes[0]]) }, .duplicateNode),
            ("dangling edge", mutate { $0["edges"] = .array([["from": "request", "to": "nowhere", "relation": "decided"]]) }, .danglingEdge),
            ("self loop", mutate { $0["edges"] = .array([["from": "request", "to": "request", "relation": "decided"]]) }, .danglingEdge),
            ("unknown relation", mutate { $0["edges"] = .array([["from": "request", "to": "policy", "relation": "x"]]) }, .malformedGraph),
            ("bad time", mutate { $0["started_at"] = "yesterday" }, .invalidTimestamp),
            ("unknown kind", mutate { $0["nodes"] = .array([["id": "n", "kind": "oracle", "status": "ok", "detail": [:]]]); $0["edges"] = [] },
             .malformedGraph),
            ("bad digest", mutate {
                $0["nodes"] = .array([["id": "c", "kind": "claims", "status": "ok",
                                       "detail": ["names": [], "digest": ["algorithm": "sha-256", "hex": "XYZ"]]]])
                $0["edges"] = []
            }, .invalidDigest),
            ("negative duration", mutate {
                $0["nodes"] = .array([["id": "c", "kind": "claims", "status": "ok", "duration_us": -1,
                                       "detail": ["names": [], "digest": ["algorithm": "sha-256", "hex": "00"]]]])
                $0["edges"] = []
            }, .malformedGraph),
        ]
        for (name, json, code) in cases {
            XCTAssertThrowsError(try LineageGraph(json: json), name) { error in
                XCTAssertEqual((error as? LineageError)?.code, code, "\(name): \(error)")
            }
        }
        // Truncated text never parses.
        let text = good.serialized
        XCTAssertThrowsError(try JSONParser().parse(String(text.prefix(text.count / 2))))
    }

    func testDigestsListsEveryResponseAndIntermediateResult() throws {
        let digests = try LineageSample.graph().digests
        XCTAssertEqual(digests.map(\.node), ["validation.input", "exchange.0", "exchange.1", "validation.output", "transform.3", "claims",
                                             "credential"])
    }

    func testTimestampsFormatAndParseRFC3339() throws {
        XCTAssertEqual(LineageSample.t0.description, "2026-03-01T09:00:00.000Z")
        XCTAssertEqual(LineageTimestamp(millisecondsSinceEpoch: -1).description, "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(LineageTimestamp.parse("2026-03-01T10:30:00.5+01:30")?.description, "2026-03-01T09:00:00.500Z")
        XCTAssertEqual(LineageTimestamp.parse("2024-02-29t23:59:59.123456z")?.description, "2024-02-29T23:59:59.123Z")
        for bad in ["", "2026-03-01", "2026-02-30T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T09:00:00", "2026-03-01T09:00:00.Z",
                    "2026-03-01T09:00:00+0100", "2026-03-01T09:00:00Zjunk", "２０２６-03-01T09:00:00Z"] {
            XCTAssertNil(LineageTimestamp.parse(bad), bad)
        }
        XCTAssertEqual(LineageSample.t0.civilDate, CivilDate(year: 2026, month: 3, day: 1))
    }
}
