import Foundation
import PavilionTestSupport
import XCTest

final class ScaffoldCommandTests: XCTestCase {
    private func scaffoldBuildAndTest(lang: String) throws {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-scaffold")
        defer { try? FileManager.default.removeItem(at: root) }
        let name = "acme-\(lang)"
        let created = try TestEnvironment.pavilion(["connector", "new", name, "--lang", lang, "--dir", root.path])
        XCTAssertEqual(created.status, 0, created.stderr)
        let folder = root.appendingPathComponent(name)
        var environment = ProcessInfo.processInfo.environment
        environment["PAVILION"] = TestEnvironment.pavilionBinary.path
        let build = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/env"),
                                            ["PAVILION=\(TestEnvironment.pavilionBinary.path)", folder.appendingPathComponent("build.sh").path],
                                            in: folder)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let test = try TestEnvironment.pavilion(["connector", "test", folder.appendingPathComponent("\(name).yaml").path])
        XCTAssertEqual(test.status, 0, test.stdout)
        XCTAssertTrue(test.stdout.contains("fixture:malformed body"), test.stdout)
    }

    func testCScaffoldBuildsAndPassesConformance() throws {
        try scaffoldBuildAndTest(lang: "c")
    }

    func testSwiftScaffoldBuildsAndPassesConformance() throws {
        try scaffoldBuildAndTest(lang: "swift")
    }

    func testScaffoldRefusesABadNameAMissingLanguageAndAnExistingFolder() throws {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-scaffold")
        defer { try? FileManager.default.removeItem(at: root) }
        XCTAssertEqual(try TestEnvironment.pavilion(["connector", "new", "Bad_Name", "--lang", "c", "--dir", root.path]).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["connector", "new", "ok", "--dir", root.path]).status, 2)
        XCTAssertEqual(try TestEnvironment.pavilion(["connector", "new", "ok", "--lang", "rust", "--dir", root.path]).status, 2)
        let existing = root.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: existing.appendingPathComponent("keep.txt"))
        let result = try TestEnvironment.pavilion(["connector", "new", "taken", "--lang", "c", "--dir", root.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: existing.path), ["keep.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["taken"], "no half-written scaffold left")
    }
}
