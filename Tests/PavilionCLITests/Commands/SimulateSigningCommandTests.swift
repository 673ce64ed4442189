import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// `pavilion simulate … --sign SCHEME --sign-jwks FILE`: a simulator that
/// signs its responses, and the public key set a manifest needs.
final class SimulateSigningCommandTests: XCTestCase {
    func testSimulatorSignsWithRFC9421AndWritesItsPublicKeySet() throws {
        let root = try TestEnvironment.makeTemporaryDirectory("pavilion-sim-sign")
        defer { try? FileManager.default.removeItem(at: root) }
        let jwks = root.appendingPathComponent("dp.jwks")
        let child = try ChildProcess(TestEnvironment.pavilionBinary,
                                     ["simulate", "echo", "--port", "0", "--sign", "http-message-signatures",
                                      "--sign-jwks", jwks.path, "--sign-kid", "dp-1"], in: root)
        defer { child.forceStop() }
        let line = try XCTUnwrap(child.stdout.wait(for: { $0.contains(#""url""#) }), child.stderr.text)
        let url = try XCTUnwrap(try JSONParser().parse(line)["url"]?.stringValue)
        let keys = try JSONParser().parse(String(contentsOf: jwks, encoding: .utf8))
        XCTAssertEqual(keys["keys"]?.arrayValue?.first?["kid"], "dp-1")
        XCTAssertNil(keys["keys"]?.arrayValue?.first?["d"], "public key only")

        let response = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/curl"), ["-si", "--max-time", "10", url + "/echo"])
        let text = response.stdout.lowercased()
        XCTAssertTrue(text.contains(#"signature-input: dp=("@status" "content-type" "content-digest");created="#), response.stdout)
        XCTAssertTrue(text.contains(#"keyid="dp-1";alg="ecdsa-p256-sha256""#), response.stdout)
        XCTAssertTrue(text.contains("content-digest: sha-256=:"), response.stdout)
        XCTAssertTrue(text.contains("signature: dp=:"), response.stdout)
        child.send(SIGTERM)
        XCTAssertEqual(child.waitForExit(seconds: 10), 0)
    }

    func testSigningOptionsAreCheckedAsUsage() throws {
        for arguments in [["--sign", "pgp", "--sign-jwks", "/tmp/x.jwks"], ["--sign", "jws"], ["--sign-kid", "k"]] {
            let r = try TestEnvironment.pavilion(["simulate", "echo", "--port", "0"] + arguments)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--sign"), r.stderr)
        }
    }
}
