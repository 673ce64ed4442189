import Foundation
import PavilionCore
import PavilionStore
import PavilionTestSupport
import XCTest

final class TenantsCommandTests: XCTestCase {
    func testTenantLifecycle() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        let created = try ops.run("tenants", "create", "acme", "--name", "Acme Corp", "--connectors", "echo,fhir-patient")
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertEqual(created.stdout, "created tenant acme (Acme Corp); connectors: echo, fhir-patient\n")

        let json = try parseJSON(try ops.run("tenants", "list", "--json").stdout)
        let tenants = try XCTUnwrap(json.arrayValue)
        XCTAssertEqual(tenants.count, 1)
        XCTAssertEqual(tenants[0]["id"], "acme")
        XCTAssertEqual(tenants[0]["name"], "Acme Corp")
        XCTAssertEqual(tenants[0]["status"], "active")
        XCTAssertEqual(tenants[0]["connectors"], ["echo", "fhir-patient"])

        XCTAssertEqual(try ops.run("tenants", "enable-connector", "acme", "camara-kyc-match").status, 0)
        XCTAssertEqual(try ops.run("tenants", "disable-connector", "acme", "echo").status, 0)
        let disabled = try ops.run("tenants", "disable", "acme")
        XCTAssertEqual(disabled.status, 0, disabled.stderr)

        let table = try ops.run("tenants", "list")
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("ID") == true, table.stdout)
        XCTAssertTrue(lines.last?.contains("acme  Acme Corp  disabled  camara-kyc-match,fhir-patient") == true, table.stdout)
    }

    func testDuplicateAndUnknownTenantsFailWithExitOne() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        let duplicate = try ops.run("tenants", "create", "acme")
        XCTAssertEqual(duplicate.status, 1)
        XCTAssertTrue(duplicate.stderr.contains("tenant acme already exists"), duplicate.stderr)
        for words in [["tenants", "disable", "nobody"], ["tenants", "enable-connector", "nobody", "echo"],
                      ["tenants", "disable-connector", "nobody", "echo"]] {
            let result = try ops.pavilion(words + ["--data", ops.data.path])
            XCTAssertEqual(result.status, 1, "\(words)")
            XCTAssertTrue(result.stderr.contains("no tenant nobody"), result.stderr)
        }
    }

    func testMissingDataDirectoryIsNamedAndNotCreated() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        for words in [["tenants", "list"], ["tenants", "disable", "acme"], ["keys", "list"], ["keys", "create", "--tenant", "acme"],
                      ["audit", "verify"]] {
            let result = try ops.pavilion(words + ["--data", ops.data.path])
            XCTAssertEqual(result.status, 1, "\(words)")
            XCTAssertTrue(result.stderr.contains("data directory \(ops.data.path) does not exist"), result.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ops.data.path))
        // The default is ./.pavilion in the working directory.
        let byDefault = try ops.pavilion(["tenants", "list"])
        XCTAssertEqual(byDefault.status, 1)
        XCTAssertTrue(byDefault.stderr.contains("data directory .pavilion does not exist"), byDefault.stderr)
        XCTAssertEqual(try ops.pavilion(["tenants", "create", "acme"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: ops.root.appendingPathComponent(".pavilion/pavilion.sqlite3").path))
    }

    func testCorruptDatabaseIsNamed() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        try FileManager.default.createDirectory(at: ops.data, withIntermediateDirectories: true)
        try Data("this is not a database, just text that is long enough to fill a header\n".utf8).write(to: ops.database)
        let result = try ops.run("tenants", "list")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cannot open the data directory \(ops.data.path)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("pavilion.sqlite3"), result.stderr)
    }

    func testUsageErrorsExitTwo() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        let cases: [[String]] = [
            ["tenants"],
            ["tenants", "rename", "acme"],
            ["tenants", "create"],
            ["tenants", "create", "a", "b"],
            ["tenants", "create", "Not_A_Slug"],
            ["tenants", "list", "--bogus"],
            ["tenants", "enable-connector", "acme"],
            ["tenants", "list", "--data"],
            ["tenants", "list", "--data", "x", "--config", "y.yaml"],
            ["keys"],
            ["keys", "create"],
            ["keys", "create", "--admin", "--tenant", "acme"],
            ["keys", "revoke"],
            ["keys", "revoke", "not a key id"],
            ["keys", "list", "extra"],
            ["audit"],
            ["audit", "check"],
            ["audit", "verify", "extra"],
        ]
        for words in cases {
            let result = try ops.pavilion(words)
            XCTAssertEqual(result.status, 2, "\(words): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("usage: pavilion"), "\(words): \(result.stderr)")
        }
    }
}
