import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// Against a running `serve --dev`: `pavilion credential verify` fetches
/// the served status list and reports a revoked credential as revoked, and
/// as undetermined (not revoked) once the list is unreachable; `pavilion
/// keys … --signing`, `rotate` and `retire` drive the key registry, and the
/// serving host publishes a rotated key (after SIGHUP) before it signs.
final class CredentialLifecycleCommandTests: XCTestCase {
    private func curl(_ dev: JSONValue, _ method: String, _ path: String, body: String? = nil) throws -> JSONValue {
        var arguments = ["-sS", "--cacert", dev["ca_file"]?.stringValue ?? "", "-X", method,
                         "-H", "Authorization: Bearer \(dev["tenant_key"]?.stringValue ?? "")"]
        if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
        let run = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments + ["\(dev["base_url"]?.stringValue ?? "")\(path)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return try JSONParser().parse(run.stdout)
    }

    private func verify(_ arguments: [String], in dir: URL) throws -> (status: Int32, report: JSONValue) {
        let result = try TestEnvironment.pavilion(["credential", "verify"] + arguments, in: dir)
        return (result.status, (try? JSONParser().parse(result.stdout)) ?? .null)
    }

    /// A shipped workspace with `serve --dev` running in it, and its dev.json.
    private func startDev() throws -> (Workspace, DevServer, JSONValue) {
        let workspace = try Workspace.shipped()
        let data = workspace.root.appendingPathComponent(".pavilion")
        let server = try DevServer(data: data, connectors: workspace.connectors)
        guard server.waitUntilReady() else {
            _ = server.stop()
            workspace.remove()
            throw NSError(domain: "serve --dev", code: 1, userInfo: [NSLocalizedDescriptionKey: "not ready: \(server.stdout)"])
        }
        return (workspace, server, try DevServer.devJSON(data))
    }

    private func statusReason(_ report: JSONValue) -> String {
        report["checks"]?.arrayValue?.first { $0["name"] == "status" }?["reason"]?.stringValue ?? ""
    }

    func testRevokedThroughTheAPIIsReportedByTheCommandAndUnreachableIsUndetermined() throws {
        let (workspace, server, dev) = try startDev()
        defer { workspace.remove() }
        defer { _ = server.stop() }
        let example = try XCTUnwrap(dev["examples"]?.arrayValue?.first { $0["connector"] == "echo" }?["request"]?.objectValue)
        var request = example
        request["credential_format"] = "dc+sd-jwt"
        let answer = try curl(dev, "POST", "/v1/verifications", body: JSONValue.object(request).serialized)
        let id = try XCTUnwrap(answer["id"]?.stringValue, answer.serialized)
        let credentialFile = workspace.root.appendingPathComponent("credential.txt")
        try XCTUnwrap(answer["credential"]?.stringValue).write(to: credentialFile, atomically: true, encoding: .utf8)
        let jwksFile = workspace.root.appendingPathComponent("jwks.json")
        try curl(dev, "GET", "/.well-known/jwks.json").serialized.write(to: jwksFile, atomically: true, encoding: .utf8)
        let args = ["--trust", jwksFile.path, "--ca-file", dev["ca_file"]?.stringValue ?? "", credentialFile.path]

        var r = try verify(args, in: workspace.root)
        XCTAssertEqual(r.status, 0, r.report.serialized)
        XCTAssertEqual(r.report["status"], "valid")

        let changed = try curl(dev, "POST", "/v1/credentials/\(id)/status", body: #"{"status":"revoked"}"#)
        XCTAssertEqual(changed["status"], "revoked", changed.serialized)
        r = try verify(args, in: workspace.root)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.report["status"], "revoked", r.report.serialized)
        XCTAssertTrue(statusReason(r.report).hasPrefix("revoked"), statusReason(r.report))

        // The API's verifier says the same.
        let service = try curl(dev, "POST", "/v1/credentials/verify",
                               body: JSONValue.object(["credential": .string(try String(contentsOf: credentialFile, encoding: .utf8))]).serialized)
        XCTAssertEqual(service["status"], "revoked", service.serialized)

        XCTAssertEqual(server.stop(), 0)
        r = try verify(args, in: workspace.root)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.report["status"], "undetermined", r.report.serialized)
        XCTAssertTrue(statusReason(r.report).contains("unreachable"), statusReason(r.report))

        // Usage errors.
        let missingCA = try TestEnvironment.pavilion(["credential", "verify", "--ca-file", "/nonexistent.pem", credentialFile.path])
        XCTAssertEqual(missingCA.status, 2)
        let halfBinding = try TestEnvironment.pavilion(["credential", "verify", "--nonce", "n", credentialFile.path])
        XCTAssertEqual(halfBinding.status, 2)
        let badAge = try TestEnvironment.pavilion(["credential", "verify", "--max-age", "0", credentialFile.path])
        XCTAssertEqual(badAge.status, 2)
    }

    func testSigningKeysAreCreatedRotatedAndRetiredAndTheServingHostPublishesThemFirst() throws {
        let (workspace, server, dev) = try startDev()
        defer { workspace.remove() }
        defer { _ = server.stop() }
        let data = workspace.root.appendingPathComponent(".pavilion")
        let config = data.appendingPathComponent("pavilion.yaml").path
        let root = workspace.root

        func keys(_ arguments: [String]) throws -> (status: Int32, json: JSONValue, stderr: String) {
            let result = try TestEnvironment.pavilion(["keys"] + arguments, in: root)
            return (result.status, (try? JSONParser().parse(result.stdout)) ?? .null, result.stderr)
        }
        var list = try keys(["list", "--signing", "--json", "--config", config])
        XCTAssertEqual(list.status, 0, list.stderr)
        let initial = try XCTUnwrap(list.json.arrayValue)
        let old = try XCTUnwrap(initial.first { $0["region"] == "local" && $0["alg"] == "ES256" })
        XCTAssertEqual(old["state"], "active")

        let rotated = try keys(["rotate", "--region", "local", "--json", "--config", config])
        XCTAssertEqual(rotated.status, 0, rotated.stderr)
        XCTAssertEqual(rotated.json["state"], "published")
        XCTAssertEqual(rotated.json["replaces"], [old["kid"] ?? .null])
        let newKid = try XCTUnwrap(rotated.json["kid"]?.stringValue)
        let again = try keys(["rotate", "--region", "local", "--config", config])
        XCTAssertEqual(again.status, 1, "a second rotation while one is pending is refused")

        // The serving host re-reads the registry on SIGHUP and publishes the new key before it signs.
        kill(server.pid, SIGHUP)
        let deadline = Date().addingTimeInterval(20)
        var published: JSONValue?
        while Date() < deadline, published == nil {
            let jwks = try curl(dev, "GET", "/.well-known/jwks.json")
            published = jwks["keys"]?.arrayValue?.first { $0["kid"]?.stringValue == newKid }
            if published == nil { RunLoop.current.run(until: Date().addingTimeInterval(0.1)) }
        }
        XCTAssertEqual(published?["pavilion_state"], "published")
        XCTAssertEqual(published?["pavilion_region"], "local")
        let issued = try curl(dev, "POST", "/v1/verifications", body: JSONValue.object(
            (dev["examples"]?.arrayValue?.first { $0["connector"] == "echo" }?["request"]?.objectValue ?? [:])
                .merging(["credential_format": "vc+jwt"]) { $1 }).serialized)
        let token = try XCTUnwrap(issued["credential"]?.stringValue, issued.serialized)
        let header = try JSONParser().parse(bytes: try XCTUnwrap(Data(base64URL: String(token.prefix { $0 != "." }))))
        XCTAssertEqual(header["kid"], old["kid"] ?? .null, "the published key does not sign before its lead")

        // Retire the new key: it stays listed as retired; bad inputs are refused.
        let retired = try keys(["retire", newKid, "--json", "--config", config])
        XCTAssertEqual(retired.status, 0, retired.stderr)
        XCTAssertEqual(retired.json["state"], "retired")
        XCTAssertEqual(try keys(["retire", newKid, "--config", config]).status, 1)
        XCTAssertEqual(try keys(["retire", "no-such-kid", "--config", config]).status, 1)
        XCTAssertEqual(try keys(["rotate", "--region", "local", "--alg", "RS256", "--config", config]).status, 2)
        XCTAssertEqual(try keys(["rotate", "--config", config]).status, 2)
        XCTAssertEqual(try keys(["rotate", "--region", "local", "--data", data.path]).status, 2)
        XCTAssertEqual(try keys(["create", "--signing", "--region", "local", "--config", config]).status, 1,
                       "create refuses a region that already has an active key")
        list = try keys(["list", "--signing", "--json", "--config", config])
        XCTAssertEqual(list.json.arrayValue?.first { $0["kid"]?.stringValue == newKid }?["state"], "retired")
        let restored = list.json.arrayValue?.first { $0["kid"] == old["kid"] }
        XCTAssertEqual(restored?["state"], "active", "retiring the pending replacement keeps the old key signing")
        XCTAssertEqual(restored?["retired_at"], .null)
        // API keys are listed as before without --signing.
        XCTAssertEqual(try keys(["list", "--data", data.path]).status, 0)
    }
}

private extension Data {
    init?(base64URL text: String) {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        self.init(base64Encoded: base)
    }
}
