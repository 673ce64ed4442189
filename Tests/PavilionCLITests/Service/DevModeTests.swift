import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// `pavilion serve --dev`: a newcomer's first minute. The printed curl
/// command works as printed, dev.json's examples work, and a second start
/// reuses the same data and keys.
final class DevModeTests: XCTestCase {
    func testPrintedCurlCommandWorksAsPrintedAndASecondStartReusesTheData() throws {
        let workspace = try Workspace.shipped()
        defer { workspace.remove() }
        let data = workspace.root.appendingPathComponent(".pavilion")

        let first = try DevServer(data: data, connectors: workspace.connectors)
        defer { _ = first.stop() }
        XCTAssertTrue(first.waitUntilReady(), "no curl example printed: \(first.stdout)")
        let printed = first.stdout
        let command = try XCTUnwrap(printed.range(of: "curl ").map { String(printed[$0.lowerBound...]) })
        let result = try TestEnvironment.run(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
        XCTAssertEqual(result.status, 0, result.stderr)
        let answer = try parseJSON(result.stdout)
        XCTAssertEqual(answer["status"], "completed", result.stdout)
        XCTAssertEqual(answer["claims"], ["age_over_18": true], "only the requested claim, never the birth date")

        let dev = try parseJSON(String(contentsOf: data.appendingPathComponent("dev.json"), encoding: .utf8))
        for key in ["base_url", "ca_file", "admin_key", "tenant", "tenant_key"] {
            XCTAssertNotNil(dev[key]?.stringValue, "dev.json lacks \(key)")
        }
        let examples = try XCTUnwrap(dev["examples"]?.arrayValue)
        XCTAssertEqual(Set(examples.compactMap { $0["connector"]?.stringValue }), ["echo", "camara-kyc-match", "fhir-patient", "fraud-list"])
        for example in examples {
            let request = try XCTUnwrap(example["request"])
            let run = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/curl"), [
                "-sS", "--cacert", dev["ca_file"]?.stringValue ?? "", "-H", "Authorization: Bearer \(dev["tenant_key"]?.stringValue ?? "")",
                "-H", "Content-Type: application/json", "-d", request.serialized,
                "\(dev["base_url"]?.stringValue ?? "")/v1/verifications",
            ])
            XCTAssertEqual(try parseJSON(run.stdout)["status"], "completed", "\(example.serialized): \(run.stdout)")
        }
        XCTAssertEqual(first.stop(), 0, "SIGTERM drains and exits 0")

        let second = try DevServer(data: data, connectors: workspace.connectors)
        defer { _ = second.stop() }
        XCTAssertTrue(second.waitUntilReady(), "second start printed no example: \(second.stdout)")
        let again = try parseJSON(String(contentsOf: data.appendingPathComponent("dev.json"), encoding: .utf8))
        XCTAssertEqual(again["tenant_key"], dev["tenant_key"])
        XCTAssertEqual(again["admin_key"], dev["admin_key"])
        XCTAssertEqual(second.stop(), 0)
        let audit = try TestEnvironment.pavilion(["audit", "verify", "--data", data.path])
        XCTAssertEqual(audit.status, 0, audit.stdout + audit.stderr)
    }

    /// Started outside the repository (no connectors.d), it says so and where
    /// to run it, instead of a Foundation error.
    func testAMissingConnectorsFolderIsAUsageErrorThatSaysWhereToRun() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("pavilion-dev-nowhere")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try TestEnvironment.pavilion(["serve", "--dev", "--data", directory.appendingPathComponent(".pavilion").path,
                                                   "--connectors", directory.appendingPathComponent("connectors.d").path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("no connectors folder at \(directory.path)/connectors.d"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--connectors DIR"), result.stderr)
        XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
    }
}
