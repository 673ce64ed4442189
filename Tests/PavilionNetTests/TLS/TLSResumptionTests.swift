import Foundation
import PavilionCrypto
import PavilionNet
import PavilionTestSupport
import XCTest

final class TLSResumptionTests: XCTestCase {
    private static let certificates = Result { try TestCertificates.make() }

    func testANewConnectionResumesTheLastTLSSessionWithTheEndpoint() async throws {
        let c = try Self.certificates.get()
        let server = try TestServer(HTTPServerConfiguration(tls: .server(certificateChainFile: c.serverCert, privateKeyFile: c.serverKey)))
        let group = try EventLoopGroup(threads: 1)
        let events = ConnectionEvents()
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(
            tls: .client(trustRoots: .caFile(c.caFile)), connectionEvents: events.append))
        let endpoint = Endpoint(scheme: .https, host: "localhost", port: server.port)
        // No idle connections kept: every request needs a new connection.
        client.setLimits(EndpointPoolLimits(maxIdle: 0, idleTimeout: .seconds(30), maxLifetime: .seconds(60)), for: endpoint)
        for _ in 0..<3 {
            let response = try await client.send(HTTPClientRequest(target: "/r"), to: endpoint, deadline: deadline())
            XCTAssertEqual(response.status, 200)
        }
        let connects = events.connects
        XCTAssertEqual(connects.count, 3)
        XCTAssertEqual(connects.map(\.tlsResumed), [false, true, true])
        XCTAssertEqual(connects.first?.tlsVersion, "TLSv1.3")
        XCTAssertNotNil(connects.first?.tlsCipher)
        let closes = events.closes
        XCTAssertEqual(closes.map(\.reason), ["pool_full", "pool_full", "pool_full"])

        // Another endpoint (the same server by IP) has no session to resume.
        let byIP = Endpoint(scheme: .https, host: "127.0.0.1", port: server.port)
        _ = try await client.send(HTTPClientRequest(), to: byIP, deadline: deadline())
        XCTAssertEqual(events.connects.last?.tlsResumed, false)
        client.shutdown()
        await server.stop()
        group.shutdown()
    }
}
