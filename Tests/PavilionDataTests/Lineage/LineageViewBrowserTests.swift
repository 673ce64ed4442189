import Foundation
import PavilionCore
import PavilionData
import PavilionTestSupport
import XCTest

/// Renders the lineage and overview pages in headless Chromium: screenshot,
/// DOM with the expected labels, no console messages. Skipped when
/// Chromium is not installed (`script/deps-browser` installs it).
final class LineageViewBrowserTests: XCTestCase {
    func render(_ html: String, name: String, expecting labels: [String]) throws {
        _ = try Chromium.executable()
        try FileManager.default.createDirectory(at: Chromium.outputDirectory, withIntermediateDirectories: true)
        let page = Chromium.outputDirectory.appendingPathComponent("\(name).html")
        try Data(html.utf8).write(to: page)
        try Chromium.render(page.absoluteString, name: name, expecting: labels)
    }

    func testLineagePageRendersWithItsNodesAndNoConsoleErrors() throws {
        let graph = try LineageSample.graph()
        try render(LineageView.html(for: graph, title: "Verification vrf_01HZX"), name: "lineage",
                   expecting: ["DP exchange #0", "DP exchange #1", "Validation (output)", "Quality: accept", "Transform [0]", "Minimisation",
                               "Claims", "Credential", "Policy: permit", "Request"])
    }

    func testOverviewPageRenders() throws {
        var q = QualitySummary(connector: "fhir-patient")
        for overall in [1.0, 0.95, 0.7, 0.4] {
            q.add(QualityReport(scores: [.completeness: overall, .validity: 1, .timeliness: overall], overall: overall,
                                decision: overall >= 0.9 ? .accept : overall >= 0.6 ? .flag : .reject, reasons: []))
        }
        let summaries = (1...5).map { d in
            ConnectorPeriodSummary(period: "2026-03-0\(d)", outcomes: ["completed": 30 + d * 7, "not_found": d, "failed": d % 3, "denied": 2],
                                   medianExchangeMilliseconds: 90 + Double(d) * 4.5, medianTotalMilliseconds: 120 + Double(d) * 5, quality: q)
        }
        try render(LineageView.overview(connector: "fhir-patient", summaries: summaries), name: "overview",
                   expecting: ["fhir-patient", "2026-03-05", "median exchange", "completeness"])
    }

    func testConsoleScannerSeesAScriptError() throws {
        // Proves the scan would catch an error if a page ever had one.
        _ = try Chromium.executable()
        try FileManager.default.createDirectory(at: Chromium.outputDirectory, withIntermediateDirectories: true)
        let page = Chromium.outputDirectory.appendingPathComponent("broken.html")
        try Data("<!DOCTYPE html><title>x</title><script>undefinedFunction()</script>".utf8).write(to: page)
        let result = try Chromium.run(page.absoluteString, ["--dump-dom"])
        XCTAssertFalse(Chromium.consoleProblems(result.stderr).isEmpty, result.stderr)
    }
}
