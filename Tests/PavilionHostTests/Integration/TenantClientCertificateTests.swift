import Foundation
import PavilionCore
import PavilionHost
import PavilionNet
import PavilionStore
import PavilionTestSupport
import Synchronization
import XCTest

/// `connectivity.client_certificates`: each tenant presents its own client
/// certificate to a data provider that requires mutual TLS.
final class TenantClientCertificateTests: XCTestCase {
    func testEachTenantPresentsItsOwnCertificateAndATenantWithoutOneGets502() async throws {
        // The DP requires a client certificate from its CA and records whose it saw.
        let subjects = Mutex<[String]>([])
        let dp = try MutualTLSDP(clients: ["tenant-a", "tenant-b"]) { request in
            if request.path == "/echo" { subjects.withLock { $0.append(request.tls?.peerSubject ?? "none") } }
            return HTTPServerResponse(status: 200, headers: ["content-type": "application/json"], body: Array(#"{"ok":true}"#.utf8))
        }
        let dpURL = try XCTUnwrap(EndpointURL(dp.url))
        let path = dp.path

        let host = try await HostHarness(overrides: { _ in ["echo": ["local": dpURL]] }) { config in
            config.dpCAFile = path("ca.pem")
            config.clientCertificates = [
                "acme": ["echo": .init(certificate: path("tenant-a.pem"), privateKey: path("tenant-a.key"))],
                "other": ["echo": .init(certificate: path("tenant-b.pem"), privateKey: path("tenant-b.key"))],
            ]
        }
        let plain = try TenantID("plain")
        _ = try await host.store.createTenant(id: plain, name: "No Certificate")
        try await host.store.setConnector("echo", enabled: true, for: plain)
        let plainKey = try await host.store.createAPIKey(kind: .tenant, tenant: plain, label: "backend").token

        func verify(_ key: String) async throws -> (status: Int, code: String?) {
            let r = try await host.send("POST", "/v1/verifications", key: key, body: HostHarness.echoBody())
            return (r.status, r.json?["code"]?.stringValue)
        }
        do {
            // A, then B, then A again: each request carries its own tenant's identity,
            // so B's request after A's never rides A's kept-alive connection.
            for key in [host.acmeKey, host.otherKey, host.acmeKey, host.otherKey] {
                let r = try await verify(key)
                XCTAssertEqual(r.status, 200, "\(r)")
            }
            let seen = subjects.withLock { $0 }
            XCTAssertEqual(seen.count, 4, "\(seen)")
            let expected = ["tenant-a", "tenant-b", "tenant-a", "tenant-b"]
            for (subject, cn) in zip(seen, expected) { XCTAssertTrue(subject.contains("CN=\(cn)"), "\(seen)") }

            // A tenant without a certificate cannot complete the handshake: 502, and the host stays up.
            let refused = try await verify(plainKey)
            XCTAssertEqual(refused.status, 502)
            XCTAssertEqual(refused.code, "upstream_error")
            XCTAssertEqual(subjects.withLock { $0.count }, 4)
            let again = try await verify(host.acmeKey)
            XCTAssertEqual(again.status, 200, "\(again)")

            // The admin view lists each tenant's own state beside the shared one.
            let state = try await host.send("GET", "/v1/admin/connectivity", key: host.adminKey)
            XCTAssertEqual(state.status, 200, state.text)
            let tenants = state.json?["connectors"]?.arrayValue?.compactMap { $0["tenant"]?.stringValue } ?? []
            XCTAssertEqual(tenants.sorted(), ["acme", "other"])

            // A reload that drops B's certificate applies at once: B is refused, A is not.
            var config = host.service.configuration
            config.clientCertificates["other"] = nil
            try await host.service.reload(configuration: config)
            let dropped = try await verify(host.otherKey), kept = try await verify(host.acmeKey)
            XCTAssertEqual(dropped.status, 502)
            XCTAssertEqual(kept.status, 200)
        } catch {
            await host.stop()
            await dp.stop()
            throw error
        }
        await host.stop()
        await dp.stop()
    }
}
