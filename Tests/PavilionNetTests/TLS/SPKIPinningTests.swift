import Foundation
import PavilionCrypto
import PavilionNet
import PavilionTestSupport
import XCTest

final class SPKIPinningTests: XCTestCase {
    private static let certificates = Result { try TestCertificates.make() }

    /// The RFC 7469 pin of `certificate`, computed by the openssl command line.
    static func pin(of certificate: String) throws -> String {
        let script = "openssl x509 -in '\(certificate)' -pubkey -noout | openssl pkey -pubin -outform der "
            + "| openssl dgst -sha256 -binary | base64"
        let r = try TestEnvironment.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAServerWhoseKeyMatchesNoPinIsRefusedBeforeAnyRequest() async throws {
        let c = try Self.certificates.get()
        let server = try TestServer(HTTPServerConfiguration(tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey)))
        let group = try EventLoopGroup(threads: 1)
        let endpoint = Endpoint(scheme: .https, host: "localhost", port: server.port)
        let right = try Self.pin(of: c.serverCert)
        XCTAssertEqual(right.count, 44)

        var pinned = HTTPClientConfiguration(tls: .client(trustRoots: .caFile(c.caFile)))
        pinned.spkiPins = [String(repeating: "A", count: 43) + "=", right]
        let good = try HTTPClient(group: group, configuration: pinned)
        let response = try await good.send(HTTPClientRequest(target: "/p"), to: endpoint, deadline: deadline())
        XCTAssertEqual(response.status, 200)

        pinned.spkiPins = [String(repeating: "A", count: 43) + "="]
        let wrong = try HTTPClient(group: group, configuration: pinned)
        do {
            _ = try await wrong.send(HTTPClientRequest(target: "/p"), to: endpoint, deadline: deadline())
            XCTFail("a server matching no pin was accepted")
        } catch {
            XCTAssertEqual(error.code, .tls)
            XCTAssertTrue(error.reason.contains(right), "the error names the key's actual pin: \(error.reason)")
        }
        XCTAssertEqual(wrong.counters.requests, 0)
        good.shutdown()
        wrong.shutdown()
        await server.stop()
        group.shutdown()
    }

    func testTLS13OnlyClientsStillReachATLS13Server() async throws {
        let c = try Self.certificates.get()
        let server = try TestServer(HTTPServerConfiguration(tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey)))
        let group = try EventLoopGroup(threads: 1)
        var tls = TLSConfiguration.client(trustRoots: .caFile(c.caFile))
        tls.minimumVersion = .tls13
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: tls))
        let response = try await client.send(HTTPClientRequest(), to: Endpoint(scheme: .https, host: "localhost", port: server.port),
                                             deadline: deadline())
        XCTAssertEqual(response.headers["x-tls-version"], "TLSv1.3")
        client.shutdown()
        await server.stop()
        group.shutdown()
    }
}
