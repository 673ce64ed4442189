import Foundation
import PavilionCore
import PavilionData
import PavilionTestSupport
import XCTest

/// Renders the lineage and overview pages in headless Chromium: screenshot,
/// DOM with the expected labels, no console messages. Skipped when
/// Chromium is not installed (`script/deps-browser` installs it).
final class LineageViewBrowserTests: XCTestCase {
    static func chromium() throws -> URL {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw XCTSkip("Chromium is not installed: run script/deps-browser (Debian package 'chromium') to run the browser test")
    }

    /// Where the screenshots are kept for people to look at.
    static let outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-lineage-view")

    /// Run Chromium headless on `page` with `arguments`, bounded by `timeout`.
    func runChromium(_ page: URL, _ arguments: [String]) throws -> TestEnvironment.ProcessResult {
        let profile = try TestEnvironment.makeTemporaryDirectory("pavilion-chromium")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                       ["90", try Self.chromium().path, "--headless", "--no-sandbox", "--disable-gpu",
                                        "--user-data-dir=\(profile.path)", "--no-first-run", "--disable-extensions",
                                        "--enable-logging=stderr", "--v=0"] + arguments + [page.absoluteString])
    }

    func render(_ html: String, name: String, expecting labels: [String]) throws {
        _ = try Self.chromium()
        try FileManager.default.createDirectory(at: Self.outputDirectory, withIntermediateDirectories: true)
        let page = Self.outputDirectory.appendingPathComponent("\(name).html")
        try Data(html.utf8).write(to: page)
        let png = Self.outputDirectory.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: png)

        let shot = try runChromium(page, ["--screenshot=\(png.path)", "--window-size=1400,900", "--hide-scrollbars"])
        XCTAssertEqual(shot.status, 0, shot.stderr)
        let bytes = try Data(contentsOf: png)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(bytes.count, 20_000, "a rendered page, not a blank one")
        print("screenshot: \(png.path)")

        let dom = try runChromium(page, ["--dump-dom"])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        for label in labels { XCTAssertTrue(dom.stdout.contains(label), "the rendered DOM lacks \(label)") }
        for log in [shot.stderr, dom.stderr] {
            XCTAssertEqual(Self.consoleProblems(log), [], "console errors")
        }
    }

    /// Console messages and uncaught errors in Chromium's log.
    static func consoleProblems(_ log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
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
        _ = try Self.chromium()
        try FileManager.default.createDirectory(at: Self.outputDirectory, withIntermediateDirectories: true)
        let page = Self.outputDirectory.appendingPathComponent("broken.html")
        try Data("<!DOCTYPE html><title>x</title><script>undefinedFunction()</script>".utf8).write(to: page)
        let result = try runChromium(page, ["--dump-dom"])
        XCTAssertFalse(Self.consoleProblems(result.stderr).isEmpty, result.stderr)
    }
}
