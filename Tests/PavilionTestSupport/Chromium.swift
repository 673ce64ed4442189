import Foundation
import XCTest

/// Headless Chromium for the page tests: screenshot, DOM dump, console
/// messages. Tests skip when it is not installed (`script/deps-browser`).
public enum Chromium {
    /// The browser, or an `XCTSkip` saying how to install it.
    public static func executable() throws -> URL {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw XCTSkip("Chromium is not installed: run script/deps-browser (Debian package 'chromium') to run the browser test")
    }

    /// Where the screenshots are kept for people to look at.
    public static let outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-lineage-view")

    /// Run Chromium headless on `page` with `arguments`, bounded by 90 s.
    public static func run(_ page: String, _ arguments: [String]) throws -> TestEnvironment.ProcessResult {
        let profile = try TestEnvironment.makeTemporaryDirectory("pavilion-chromium")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                       ["90", try executable().path, "--headless", "--no-sandbox", "--disable-gpu",
                                        "--user-data-dir=\(profile.path)", "--no-first-run", "--disable-extensions",
                                        "--enable-logging=stderr", "--v=0"] + arguments + [page])
    }

    /// Screenshot `page` to `name.png` in ``outputDirectory`` and dump its
    /// DOM; check the PNG, the `labels` in the DOM and that the log has no
    /// console message.
    /// - Returns: the DOM.
    @discardableResult
    public static func render(_ page: String, name: String, expecting labels: [String],
                              file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let png = outputDirectory.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: png)
        let shot = try run(page, ["--screenshot=\(png.path)", "--window-size=1400,900", "--hide-scrollbars"])
        XCTAssertEqual(shot.status, 0, shot.stderr, file: file, line: line)
        let bytes = try Data(contentsOf: png)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG", file: file, line: line)
        XCTAssertGreaterThan(bytes.count, 20_000, "a rendered page, not a blank one", file: file, line: line)
        print("screenshot: \(png.path)")
        let dom = try run(page, ["--dump-dom"])
        XCTAssertEqual(dom.status, 0, dom.stderr, file: file, line: line)
        for label in labels { XCTAssertTrue(dom.stdout.contains(label), "the rendered DOM lacks \(label)", file: file, line: line) }
        for log in [shot.stderr, dom.stderr] {
            XCTAssertEqual(consoleProblems(log), [], "console errors", file: file, line: line)
        }
        return dom.stdout
    }

    /// Console messages and uncaught errors in Chromium's log.
    public static func consoleProblems(_ log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
    }
}
