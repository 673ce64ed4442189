import Foundation
import PavilionTestSupport
import XCTest

/// The running service speaks TLS 1.2 or newer only, and nothing else on its port.
final class ServiceTLSTests: ServiceTestCase {
    private var hostPort: String { String(harness.baseURL.dropFirst("https://".count)) }

    private func sClient(_ version: String) throws -> TestEnvironment.ProcessResult {
        // SECLEVEL=0 lets this client offer TLS 1.1 at all (OpenSSL 3
        // refuses it by default), so a failure is the server's refusal.
        let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        return try TestEnvironment.run(URL(fileURLWithPath: try XCTUnwrap(openssl, "openssl is not installed (script/deps)")),
                                       ["s_client", "-connect", hostPort, version, "-cipher", "DEFAULT:@SECLEVEL=0",
                                        "-CAfile", harness.caFile.path, "-verify_return_error"])
    }

    func testTLS12HandshakeSucceeds() throws {
        let result = try sClient("-tls1_2")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("TLSv1.2"), result.stdout)
    }

    func testTLS11HandshakeIsRefused() throws {
        let result = try sClient("-tls1_1")
        XCTAssertNotEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse(result.stdout.contains("BEGIN CERTIFICATE"), "a TLS 1.1 session was set up: \(result.stdout)")
        // The server's refusal (alert 70), not the client's.
        XCTAssertTrue((result.stdout + result.stderr).contains("alert protocol version"), result.stdout + result.stderr)
        try assertStillServes()
    }

    func testPlainHTTPToTheTLSPortIsRefused() throws {
        let plain = Curl(baseURL: "http://" + hostPort, caFile: nil)
        let response = try plain.request("GET", "/healthz", maxTime: 10)
        XCTAssertEqual(response.status, 0, "a plain HTTP request got an HTTP answer: \(response.summary)")
        XCTAssertNotEqual(response.exitCode, 0, response.summary)
        XCTAssertNotEqual(response.exitCode, 28, "the server held the plain connection until curl gave up: \(response.summary)")
        try assertStillServes()
    }
}
