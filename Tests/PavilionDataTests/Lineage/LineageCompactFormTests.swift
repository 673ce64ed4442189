import PavilionCore
import PavilionCrypto
import PavilionData
import XCTest

/// The compact stored form `pavilion.lineage/2`: it reads back to the same
/// graph, renders the same OpenLineage events and page as the
/// `pavilion.lineage/1` JSON of the same graph, is at least twice smaller,
/// holds no raw value, and bad stored bytes give a `LineageError`.
final class LineageCompactFormTests: XCTestCase {
    let exporter = OpenLineageExporter(producer: "https://pavilion.dev/pavilion-host", jobNamespace: "pavilion",
                                       digester: LineageSample.sha256)

    /// Two DPs: exchanges branch and join, so the edges are not the node chain.
    static func branchingGraph() -> LineageGraph {
        var r = LineageRecorder(verificationID: "vrf_branch", connector: "a", connectorVersion: "1", startedAt: LineageSample.t0,
                                digester: LineageSample.sha256)
        r.recordRequest(requestID: "r", tenant: "t", purpose: "p", requestedClaims: ["x"], subject: ["name": "Ada"], at: LineageSample.t0)
        r.recordPolicyDecision(permitted: true, lawfulBasis: "consent", region: "eu", allowedRegions: ["eu"], at: LineageSample.at(1))
        r.recordExchange(region: "eu", endpoint: "https://a.example", index: 0, httpStatus: 200, responseBody: [1], at: LineageSample.at(2),
                         duration: .milliseconds(3))
        r.recordExchange(connector: "b", connectorVersion: "", region: "eu", endpoint: "https://b.example", index: 0, httpStatus: 200,
                         responseBody: [2], at: LineageSample.at(2), duration: .milliseconds(4))
        r.recordExchange(region: "eu", endpoint: "https://a.example", index: 1, httpStatus: 200, responseBody: [3], at: LineageSample.at(6),
                         duration: .milliseconds(1))
        r.recordValidation(target: "out put/ü", schema: "s", document: [:], errors: [], at: LineageSample.at(8))
        return r.graph
    }

    func graphs() throws -> [(String, LineageGraph)] {
        [("full sample", try LineageSample.graph()), ("failures", LineageSample.failuresGraph()), ("branching", Self.branchingGraph())]
    }

    func testCompactFormReadsBackToTheSameGraph() throws {
        for (name, graph) in try graphs() {
            let stored = graph.compactBytes
            XCTAssertEqual(try LineageGraph(stored: stored).compactBytes, stored, name)
            // The v1 reader rounds quality scores as v2 does: both give one model.
            let viaV1 = try LineageGraph(stored: graph.serializedBytes)
            XCTAssertEqual(try LineageGraph(stored: stored), viaV1, name)
            XCTAssertTrue(String(decoding: stored, as: UTF8.self).hasPrefix(#"{"f":"pavilion.lineage/2","#), name)
        }
    }

    func testEdgesAreStoredOnlyWhenTheyAreNotTheNodeChain() throws {
        let chain = String(decoding: try LineageSample.graph().compactBytes, as: UTF8.self)
        XCTAssertFalse(chain.contains(#""e":"#), chain)
        let branching = Self.branchingGraph()
        let text = String(decoding: branching.compactBytes, as: UTF8.self)
        XCTAssertTrue(text.contains(#""e":[[0,1,"decided"],[1,2,"permitted"],[1,3,"permitted"],[2,4,"followed"],[4,5,"validated"],[3,5,"validated"]]"#),
                      text)
        XCTAssertEqual(try LineageGraph(stored: branching.compactBytes).edges, branching.edges)
    }

    func testV1AndV2OfTheSameGraphRenderTheSameEventsAndPage() throws {
        for (name, graph) in try graphs() {
            let v1 = try LineageGraph(stored: graph.serializedBytes)
            let v2 = try LineageGraph(stored: graph.compactBytes)
            let events1 = JSONValue.array(exporter.events(for: v1)).serializedBytes
            let events2 = JSONValue.array(exporter.events(for: v2)).serializedBytes
            XCTAssertEqual(String(decoding: events2, as: UTF8.self), String(decoding: events1, as: UTF8.self), name)
            XCTAssertEqual(LineageView.html(for: v2, title: "t"), LineageView.html(for: v1, title: "t"), name)
        }
    }

    func testCompactFormIsLessThanHalfTheSizeOfVersion1() throws {
        for (name, graph) in try graphs() {
            let v1 = graph.serializedBytes.count, v2 = graph.compactBytes.count
            XCTAssertLessThanOrEqual(v2 * 2, v1, "\(name): \(v2) bytes against \(v1)")
        }
    }

    func testCompactFormNeverHoldsPersonalData() throws {
        let text = String(decoding: try LineageSample.graph().compactBytes, as: UTF8.self)
        for secret in LineageSample.secrets { XCTAssertFalse(text.contains(secret), secret) }
        XCTAssertFalse(text.contains("user:pw"), "the endpoint's user info is dropped")
        XCTAssertFalse(text.contains("x=Ada"), "the endpoint's query is dropped")
    }

    func testTruncatedStoredGraphsAreRefusedWithAnError() throws {
        for (name, graph) in try graphs() {
            let stored = graph.compactBytes
            for cut in 0..<stored.count {
                XCTAssertThrowsError(try LineageGraph(stored: Array(stored[..<cut])), "\(name) cut at \(cut)") { error in
                    XCTAssertTrue(error is LineageError, "\(name) cut at \(cut): \(error)")
                }
            }
        }
    }

    func testGarbledStoredGraphsAreRefusedWithAnError() throws {
        let stored = try LineageSample.graph().compactBytes
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var garbled = stored
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                garbled[Int.random(in: 0..<garbled.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do { _ = try LineageGraph(stored: garbled) } catch {
                XCTAssertFalse(error.reason.isEmpty, "typed throws: only a LineageError gets here")
            }
        }
    }

    func testMalformedCompactGraphsNameWhatIsWrong() throws {
        let node = #"[0,"request",0,0,null,"r",null,"p",[],[]]"#
        func graph(_ nodes: String, edges: String? = nil, algorithms: String = #"["sha-256"]"#, format: String = "pavilion.lineage/2",
                   t0: String = "0") -> [UInt8] {
            Array(#"{"f":"\#(format)","id":"v","c":"c","cv":"1","t0":\#(t0),"n":[\#(nodes)]\#(edges.map { #","e":\#($0)"# } ?? ""),"a":\#(algorithms)}"#.utf8)
        }
        XCTAssertEqual(try LineageGraph(stored: graph(node)).nodes.map(\.id), ["request"])
        let cases: [(String, [UInt8], LineageError.Code, String)] = [
            ("empty", [], .malformedGraph, "not JSON"),
            ("not an object", Array("[1]".utf8), .malformedGraph, "expected an object"),
            ("wrong format", graph(node, format: "pavilion.lineage/3"), .malformedGraph, "format is not pavilion.lineage/2"),
            ("t0 not an integer", graph(node, t0: "\"2026\""), .malformedGraph, "graph.t0"),
            ("node not an array", graph("{}"), .malformedGraph, "graph.n[0]: expected an array"),
            ("unknown kind", graph(#"[9,"x",0,0,null]"#), .malformedGraph, "node kind code"),
            ("unknown status", graph(#"[0,"request",7,0,null,"r",null,"p",[],[]]"#), .malformedGraph, "status code"),
            ("negative duration", graph(#"[0,"request",0,0,-1,"r",null,"p",[],[]]"#), .malformedGraph, "non-negative"),
            ("too few items", graph(#"[0,"request",0,0,null,"r"]"#), .malformedGraph, "too few items"),
            ("too many items", graph(#"[0,"request",0,0,null,"r",null,"p",[],[],1]"#), .malformedGraph, "11 items, expected 10"),
            ("wrong type", graph(#"[0,"request",0,0,null,7,null,"p",[],[]]"#), .malformedGraph, "graph.n[0][5]: expected a string"),
            ("digest without index", graph(node + #",[8,"credential",0,1,null,"jwt","ab"]"#), .invalidDigest, "algorithm index"),
            ("digest index out of range", graph(node + #",[8,"credential",0,1,null,"jwt","1:ab"]"#), .invalidDigest, "algorithm index"),
            ("digest not hex", graph(node + #",[8,"credential",0,1,null,"jwt","0:AB"]"#), .invalidDigest, "lowercase hex"),
            ("duplicate id", graph(node + "," + node), .duplicateNode, "used twice"),
            ("edge to no node", graph(node, edges: #"[[0,3,"decided"]]"#), .danglingEdge, "no node 3"),
            ("edge to itself", graph(node, edges: #"[[0,0,"decided"]]"#), .danglingEdge, "distinct nodes"),
            ("unknown relation", graph(node + #",[1,"policy",0,1,null,true,null,null,[],null]"#, edges: #"[[0,1,"became"]]"#),
             .malformedGraph, "unknown relation"),
            ("bad signature", graph(#"[2,"exchange.0",0,0,null,null,null,"eu","https://x",0,200,null,null,["jws"],null]"#),
             .malformedGraph, "[scheme, key id, algorithm]"),
        ]
        for (name, bytes, code, reason) in cases {
            XCTAssertThrowsError(try LineageGraph(stored: bytes), name) { error in
                guard let error = error as? LineageError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(error.code, code, "\(name): \(error)")
                XCTAssertTrue(error.reason.contains(reason), "\(name): \(error)")
            }
        }
    }

    func testVersion1StoredGraphsAreStillRead() throws {
        let graph = try LineageSample.graph()
        let stored = try LineageGraph(stored: graph.serializedBytes)
        XCTAssertEqual(stored.nodes.map(\.id), graph.nodes.map(\.id))
        XCTAssertEqual(stored.edges, graph.edges)
        XCTAssertThrowsError(try LineageGraph(stored: Array(graph.serializedBytes.dropLast()))) { error in
            XCTAssertEqual((error as? LineageError)?.code, .malformedGraph)
        }
    }

    func testRecorderDropsUserInfoQueryAndFragmentFromEndpoints() throws {
        let cases: [(String, String)] = [
            ("https://dp.example/r4", "https://dp.example/r4"),
            ("https://user:pw@dp.example:8443/r4?x=1#f", "https://dp.example:8443/r4"),
            ("https://a@b@dp.example/p@q", "https://dp.example/p@q"),
            ("https://dp.example?x=1", "https://dp.example"),
            ("https://dp.example#frag", "https://dp.example"),
            ("dp.example/path?q", "dp.example/path"),
            ("https://ü:ö@dpü.example/ä", "https://dpü.example/ä"),
            ("", ""),
            ("://@", "://"),
        ]
        for (endpoint, expected) in cases {
            var r = LineageRecorder(verificationID: "v", connector: "c", connectorVersion: "1", startedAt: LineageSample.t0,
                                    digester: LineageSample.sha256)
            r.recordExchange(region: "eu", endpoint: endpoint, index: 0, httpStatus: 200, responseBody: [], at: LineageSample.t0, duration: nil)
            guard case .dpExchange(let x)? = r.graph.nodes.first?.detail else { return XCTFail("no exchange") }
            XCTAssertEqual(x.endpoint, expected, endpoint)
        }
    }
}
