import Foundation
import PavilionCrypto
import PavilionNet
import PavilionTestSupport
import XCTest

final class TLSServerTests: XCTestCase {
    private static let certificates = Result { try TestCertificates.make() }

    private func certs() throws -> TestCertificates { try TLSServerTests.certificates.get() }

    func testRoundTripOverTLSWithHostnameVerification() async throws {
        let c = try certs()
        let server = try TestServer(HTTPServerConfiguration(tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey)))
        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: .client(trustRoots: .caFile(c.caFile))))
        let endpoint = Endpoint(scheme: .https, host: "localhost", port: server.port)
        for _ in 0..<3 {
            let response = try await client.send(HTTPClientRequest(target: "/secure"), to: endpoint, deadline: deadline())
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hello /secure")
            XCTAssertEqual(response.headers["x-tls-version"], "TLSv1.3")
            XCTAssertEqual(response.headers["x-tls-peer"], "none")
        }
        XCTAssertEqual(client.counters.connectionsOpened, 1)
        // An IP literal is checked against the certificate's IP SAN.
        let byIP = try await client.send(HTTPClientRequest(), to: Endpoint(scheme: .https, host: "127.0.0.1", port: server.port), deadline: deadline())
        XCTAssertEqual(byIP.status, 200)
        client.shutdown()
        await server.stop()
        group.shutdown()
    }

    func testClientRefusesServerWhoseNameDoesNotMatchOrIsUntrusted() async throws {
        let c = try certs()
        // Bound to every address so that 127.0.0.2 (not in the certificate) reaches it.
        let server = try TestServer(HTTPServerConfiguration(host: "0.0.0.0", tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey)))
        let group = try EventLoopGroup(threads: 1)
        let trusting = try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: .client(trustRoots: .caFile(c.caFile))))
        do {
            _ = try await trusting.send(HTTPClientRequest(), to: Endpoint(scheme: .https, host: "127.0.0.2", port: server.port), deadline: deadline())
            XCTFail("expected a hostname mismatch")
        } catch {
            XCTAssertEqual(error.code, .tls, error.reason)
        }
        let systemTrust = try HTTPClient(group: group)
        do {
            _ = try await systemTrust.send(HTTPClientRequest(), to: Endpoint(scheme: .https, host: "localhost", port: server.port), deadline: deadline())
            XCTFail("expected an untrusted issuer")
        } catch {
            XCTAssertEqual(error.code, .tls)
            XCTAssertTrue(error.reason.contains("certificate"), error.reason)
        }
        await server.stop()
        group.shutdown()
    }

    func testClientCertificateIsRequiredAndReported() async throws {
        let c = try certs()
        let server = try TestServer(HTTPServerConfiguration(tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey,
                                                                         clientCAFile: c.caFile)))
        let group = try EventLoopGroup(threads: 1)
        let endpoint = Endpoint(scheme: .https, host: "localhost", port: server.port)
        let withCert = try HTTPClient(group: group, configuration: HTTPClientConfiguration(
            tls: .client(trustRoots: .caFile(c.caFile), certificateChainFile: c.clientCert, privateKeyFile: c.clientKey)))
        let response = try await withCert.send(HTTPClientRequest(), to: endpoint, deadline: deadline())
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["x-tls-peer"], "O=Pavilion Tests,CN=test-client")

        let withoutCert = try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: .client(trustRoots: .caFile(c.caFile))))
        do {
            _ = try await withoutCert.send(HTTPClientRequest(), to: endpoint, deadline: deadline())
            XCTFail("expected refusal without a client certificate")
        } catch {
            // TLS 1.3: the server's refusal arrives after the client's handshake completes.
            XCTAssertTrue([.tls, .connectionReset].contains(error.code), error.description)
        }
        XCTAssertTrue(waitUntil { server.server.counters.tlsHandshakeFailures >= 1 })
        XCTAssertEqual(server.server.counters.requests, 1)
        withCert.shutdown()
        await server.stop()
        group.shutdown()
    }

    func testTLS11IsRefusedAndTLS12IsAccepted() async throws {
        let c = try certs()
        let server = try TestServer(HTTPServerConfiguration(tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey)))
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        let old = try TestEnvironment.run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_1",
                                                    "-cipher", "DEFAULT:@SECLEVEL=0"], stdin: Data())
        XCTAssertNotEqual(old.status, 0, old.stdout)
        XCTAssertTrue(waitUntil { server.server.counters.tlsHandshakeFailures == 1 })
        let modern = try TestEnvironment.run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_2",
                                                       "-CAfile", c.caFile, "-verify_return_error"], stdin: Data())
        XCTAssertEqual(modern.status, 0, modern.stderr)
        XCTAssertTrue(modern.stdout.contains("ECDHE"), modern.stdout)
        XCTAssertTrue(modern.stdout.contains("GCM") || modern.stdout.contains("CHACHA20"), modern.stdout)
        XCTAssertEqual(server.server.counters.tlsHandshakeFailures, 1)
        await server.stop()
    }

    func testMissingCertificateFileIsATypedError() {
        XCTAssertThrowsError(try TLSContext(configuration: .server(certificateChainFile: "/nonexistent.pem", privateKeyFile: "/nonexistent.key"))) { error in
            guard let error = error as? CryptoError else { return XCTFail("not a CryptoError") }
            XCTAssertEqual(error.call, "SSL_CTX_use_certificate_chain_file")
        }
    }
}
