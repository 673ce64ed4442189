import Foundation
import PavilionCore
import PavilionData
import PavilionTestSupport
import XCTest

final class LineageViewTests: XCTestCase {
    static let hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;\u{7}"

    func hostileGraph() throws -> LineageGraph {
        var r = LineageRecorder(verificationID: Self.hostile, connector: Self.hostile, connectorVersion: Self.hostile,
                                startedAt: LineageSample.t0, digester: LineageSample.sha256)
        r.recordRequest(requestID: Self.hostile, tenant: Self.hostile, purpose: Self.hostile, requestedClaims: [Self.hostile],
                        subject: [Self.hostile: 1], at: LineageSample.t0)
        r.recordPolicyDecision(permitted: false, lawfulBasis: Self.hostile, region: nil, allowedRegions: [Self.hostile],
                               reasonCode: Self.hostile, at: LineageSample.t0)
        r.recordValidation(target: Self.hostile, schema: Self.hostile, document: [:],
                           errors: [ValidationError(instanceLocation: "/" + Self.hostile, keyword: Self.hostile, message: "m")], at: LineageSample.t0)
        return r.graph
    }

    /// The markup of every tag (text between `<` and `>`); escaped text has no `<`.
    func tags(_ html: String) -> [String] {
        html.split(separator: "<").dropFirst().map { String($0.prefix { $0 != ">" }).lowercased() }
    }

    func assertSelfContained(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        for tag in tags(html) {
            let name = tag.prefix { !$0.isWhitespace && $0 != "/" }
            XCTAssertFalse(["script", "img", "link", "iframe", "object", "embed", "image", "use", "a", "foreignobject"].contains(String(name)),
                           "page has a <\(name)> element", file: file, line: line)
            for banned in [" on", "src=", "href=", "javascript:", "@import"] {
                XCTAssertFalse(tag.contains(banned), "a tag has \(banned): <\(tag.prefix(80))>", file: file, line: line)
            }
            let stripped = tag.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").replacingOccurrences(of: "http-equiv", with: "")
            XCTAssertFalse(stripped.contains("http") || stripped.contains("url(") && !stripped.contains("url(#"),
                           "a tag refers outside the page: <\(tag.prefix(80))>", file: file, line: line)
        }
    }

    func testLineagePageIsSelfContainedAndNamesEveryStage() throws {
        let graph = try LineageSample.graph()
        let html = LineageView.html(for: graph, title: "Verification vrf_01HZX")
        assertSelfContained(html)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for node in graph.nodes { XCTAssertTrue(html.contains("id=\"node-\(node.id)\""), node.id) }
        for label in ["DP exchange #1", "Validation (output)", "Quality: accept", "Transform [3]", "Minimisation", "Credential", "dc+sd-jwt"] {
            XCTAssertTrue(html.contains(label), label)
        }
        for secret in LineageSample.secrets { XCTAssertFalse(html.contains(LineageView.escape(secret)), secret) }
        XCTAssertTrue(html.contains("class=\"node skipped\""), "the skipped transform is drawn as skipped")
    }

    func testHostileTextIsEscapedEverywhere() throws {
        let html = LineageView.html(for: try hostileGraph(), title: Self.hostile)
        assertSelfContained(html)
        XCTAssertFalse(html.contains("<script>alert"))
        XCTAssertFalse(html.contains("\"><img"))
        XCTAssertFalse(html.contains("\u{7}"), "control characters are replaced")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;"))
        let overview = LineageView.overview(connector: Self.hostile, summaries: [
            ConnectorPeriodSummary(period: Self.hostile, outcomes: [Self.hostile: 3], medianExchangeMilliseconds: nil,
                                   medianTotalMilliseconds: nil, quality: QualitySummary(connector: Self.hostile)),
        ])
        assertSelfContained(overview)
        XCTAssertFalse(overview.contains("<script>alert"))
    }

    func testEscapeReplacesMarkupCharacters() {
        XCTAssertEqual(LineageView.escape(#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;")
        XCTAssertEqual(LineageView.escape("é\u{0}\u{1F}"), "é\u{FFFD}\u{FFFD}")
    }

    func testOverviewShowsCountsMediansAndQuality() throws {
        var q = QualitySummary(connector: "fhir-patient")
        q.add(QualityReport(scores: [.completeness: 1, .validity: 0.5], overall: 0.75, decision: .flag, reasons: []))
        q.add(QualityReport(scores: [.completeness: 0.5], overall: 0.5, decision: .reject, reasons: []))
        let html = LineageView.overview(connector: "fhir-patient", summaries: [
            ConnectorPeriodSummary(period: "2026-03-01", outcomes: ["completed": 40, "not_found": 3, "failed": 1],
                                   medianExchangeMilliseconds: ConnectorPeriodSummary.median([120, 80, 95, 300]),
                                   medianTotalMilliseconds: 131.25, quality: q),
            ConnectorPeriodSummary(period: "2026-03-02", outcomes: [:], medianExchangeMilliseconds: nil, medianTotalMilliseconds: nil, quality: nil),
        ])
        assertSelfContained(html)
        for text in ["<td>2026-03-01</td><td>44</td><td>40</td><td>3</td><td>1</td>", "107.5 ms", "131.25 ms", "<td>0.63</td>",
                     "<td>0.75</td><td>0.5</td>", "0 / 1 / 1", "<td>2026-03-02</td><td>0</td>"] {
            XCTAssertTrue(html.contains(text), text)
        }
        XCTAssertNil(ConnectorPeriodSummary.median([]))
        XCTAssertEqual(ConnectorPeriodSummary.median([3, 1, 2]), 2)
    }
}
