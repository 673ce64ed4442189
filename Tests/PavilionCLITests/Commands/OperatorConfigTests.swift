import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// `--config FILE`: the data directory comes from the file's `data_dir`,
/// relative to the file's folder, with problems reported by position.
final class OperatorConfigTests: XCTestCase {
    private func write(_ ops: OperatorData, _ relative: String, _ text: String) throws {
        let url = ops.root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func testDataDirIsRelativeToTheConfigFile() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        try write(ops, "etc/pavilion.yaml", "listen: 127.0.0.1:8443\ndata_dir: ../data\n")
        let list = try ops.pavilion(["tenants", "list", "--config", "etc/pavilion.yaml", "--json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertEqual(try parseJSON(list.stdout).arrayValue?.first?["id"], "acme")
        let verify = try ops.pavilion(["audit", "verify", "--config", "etc/pavilion.yaml"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        // An absolute data_dir is used as is.
        try write(ops, "elsewhere/p.yaml", "data_dir: \(ops.data.path)\n")
        XCTAssertEqual(try ops.pavilion(["keys", "list", "--config", "elsewhere/p.yaml"]).status, 0)
    }

    func testConfigProblemsArePrintedWithTheirPosition() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        try write(ops, "wrong-type.yaml", "listen: 127.0.0.1:8443\ndata_dir: 42\n")
        try write(ops, "missing.yaml", "listen: 127.0.0.1:8443\n")
        try write(ops, "syntax.yaml", "listen: [127.0.0.1\n")
        try write(ops, "list.yaml", "- data_dir\n")
        let expectations: [(String, String)] = [
            ("wrong-type.yaml", "wrong-type.yaml:2:11: error: data_dir must be a non-empty path, got integer"),
            ("missing.yaml", "missing.yaml:1:1: error: missing data_dir"),
            ("syntax.yaml", "syntax.yaml:2:1: error: YAML syntax error"),
            ("list.yaml", "list.yaml:1:1: error: the config file must be a mapping"),
            ("absent.yaml", "absent.yaml:1:1: error: cannot read file"),
        ]
        for (file, expected) in expectations {
            let result = try ops.pavilion(["audit", "verify", "--config", file])
            XCTAssertEqual(result.status, 1, "\(file): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix(expected), "\(file): \(result.stderr)")
        }
    }
}
