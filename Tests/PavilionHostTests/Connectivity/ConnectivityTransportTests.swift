import Foundation
import PavilionCore
import PavilionCrypto
@testable import PavilionHost
import PavilionManifest
import PavilionNet
import PavilionPlugins
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// `ConnectivityTransport` in-process against echo simulators on loopback
/// (real sockets): hedging, the idempotency rule for retries and failover,
/// pre-warming. The namespace tests (PavilionCLITests) cover the rest.
final class ConnectivityTransportTests: XCTestCase {
    private func manifest(_ regions: [(String, [String])], configure: (inout Manifest.Connection) -> Void = { _ in }) -> Manifest {
        var m = Manifest(file: "t.yaml", metadata: .init(name: "t", provider: "p", version: "1.0.0"),
                         library: .init(path: "l.so", declaredPath: "l.so", sha256: String(repeating: "0", count: 64), abi: 1),
                         formats: .init(input: ["json"], output: ["json"], credentials: []),
                         claims: [.init(name: "echo", type: "boolean", dataCategories: [])],
                         regions: regions.enumerated().map { .init(name: $1.0, residency: .eu, priority: $0 + 1, endpoints: $1.1) },
                         compliance: .init(jurisdictions: [], dataCategories: [], lawfulBases: ["consent"], purposes: ["testing"],
                                           retention: "P1D"))
        configure(&m.connection)
        return m
    }

    private struct Fixture {
        let group: EventLoopGroup
        let client: HTTPClient
        let transport: ConnectivityTransport
        let events: ConnectivityEventLog

        init() throws {
            group = try EventLoopGroup(threads: 1)
            events = ConnectivityEventLog(logger: Logger(sink: MemoryLogSink()))
            let tracker = ConnectionTracker(events: events)
            client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(connectionEvents: tracker.observer))
            transport = ConnectivityTransport(client: client, events: events, tracker: tracker)
        }

        func send(_ m: Manifest, idempotent: Bool = true, path: String = "/echo") async -> (Result<HTTPResponse, TransportError>, RoutingSession) {
            let session = transport.routingSession(for: m, allowed: m.regions, jurisdiction: .eu, overrides: [:])!
            let region = m.regions[0]
            let context = TransportContext(connector: m.name, region: region, baseURL: EndpointURL(region.endpoints[0])!,
                                           deadline: .now + .seconds(5), requestID: "t", trace: .continuing(nil), routing: session)
            do {
                return (.success(try await transport.send(HTTPRequest(method: "GET", path: path, idempotent: idempotent), context: context)),
                        session)
            } catch {
                return (.failure(error), session)
            }
        }

        func shutdown() {
            client.shutdown()
            group.shutdown()
        }
    }

    private func simulator(_ faults: SimulatorFaults = .none) throws -> DPSimulator {
        let s = try DPSimulator(configuration: SimulatorConfiguration(kind: .echo, faults: faults))
        try s.start()
        return s
    }

    func testASlowPrimaryIsHedgedToAnotherEndpoint() async throws {
        let fast = try simulator(), slow = try simulator()
        let f = try Fixture()
        let m = manifest([("eu-west", [fast.url, slow.url])]) { $0.hedging = true }
        // Twenty quick answers give the p95.
        for _ in 0..<24 {
            let (result, _) = await f.send(m)
            XCTAssertEqual(try result.get().status, 200)
        }
        try slow.setFaults(SimulatorFaults(latencyMs: 2_000))
        for _ in 0..<6 {
            let (result, _) = await f.send(m)
            XCTAssertEqual(try result.get().status, 200)
        }
        let hedges = f.events.events().filter { $0.event == "hedge" }
        XCTAssertGreaterThan(hedges.count, 0, "no request was hedged")
        XCTAssertTrue(hedges.allSatisfy { $0.fields["endpoint"]?.stringValue == EndpointURL(fast.url)?.description })
        f.shutdown()
        await fast.shutdown(gracePeriod: .zero)
        await slow.shutdown(gracePeriod: .zero)
    }

    func testANonIdempotentRequestIsNotRetriedOrFailedOverOnceItMayHaveReachedTheDP() async throws {
        let failing = try simulator(SimulatorFaults(status: 503)), healthy = try simulator()
        let f = try Fixture()
        let m = manifest([("a", [failing.url]), ("b", [healthy.url])])
        let (result, session) = await f.send(m, idempotent: false)
        XCTAssertEqual(try result.get().status, 503, "the DP's own answer comes back")
        XCTAssertEqual(session.region, "a")
        XCTAssertEqual(healthy.stats.totalRequests, 0)
        XCTAssertEqual(f.events.events().filter { $0.event == "retry" || $0.event == "failover" }.count, 0)

        // Idempotent: retried within budget, then failed over.
        let (again, moved) = await f.send(m, idempotent: true)
        XCTAssertEqual(try again.get().status, 200)
        XCTAssertEqual(moved.region, "b")
        XCTAssertEqual(healthy.stats.totalRequests, 1)
        f.shutdown()
        await failing.shutdown(gracePeriod: .zero)
        await healthy.shutdown(gracePeriod: .zero)
    }

    func testARefusedConnectionFailsOverEvenWhenNotIdempotent() async throws {
        let healthy = try simulator()
        let f = try Fixture()
        // Port 1 on loopback refuses: the request never left.
        let m = manifest([("a", ["http://127.0.0.1:1"]), ("b", [healthy.url])])
        let (result, session) = await f.send(m, idempotent: false)
        XCTAssertEqual(try result.get().status, 200)
        XCTAssertEqual(session.region, "b")
        XCTAssertEqual(session.endpoint, EndpointURL(healthy.url)?.description, "the endpoint that answered")
        XCTAssertEqual(f.events.events().filter { $0.event == "failover" }.count, 1)
        f.shutdown()
        await healthy.shutdown(gracePeriod: .zero)
    }

    func testEveryAllowedRegionDownEndsWithTheResidencyProblem() async throws {
        let f = try Fixture()
        let m = manifest([("eu-west", ["http://127.0.0.1:1"]), ("eu-central", ["http://127.0.0.1:2"])]) { $0.retryAfterSeconds = 7 }
        let (result, session) = await f.send(m)
        guard case .failure = result else { return XCTFail("answered with every region down") }
        let problem = try XCTUnwrap(session.problem)
        XCTAssertEqual(problem.status, 503)
        XCTAssertEqual(problem.code, "residency_unavailable")
        XCTAssertEqual(problem.extensions["retry_after"], .int(7))
        XCTAssertTrue(problem.detail.contains("eu-west, eu-central"), problem.detail)
        XCTAssertFalse(session.cannotAttest)
        f.shutdown()
    }

    func testMinIdleConnectionsArePrewarmedPerEndpoint() async throws {
        let dp = try simulator()
        let f = try Fixture()
        let m = manifest([("a", [dp.url])]) { $0.minIdle = 3; $0.maxIdle = 4 }
        let c = f.transport.connectivity(for: m)
        let endpoint = try XCTUnwrap(c.regions["a"]?.endpoints.first?.endpoint)
        let until = ContinuousClock.now + .seconds(10)
        while f.client.idleConnections(to: endpoint) < 3, ContinuousClock.now < until { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(f.client.idleConnections(to: endpoint), 3)
        XCTAssertTrue(f.transport.connectivity(for: m) === c, "the same manifest keeps its state")
        f.shutdown()
        await dp.shutdown(gracePeriod: .zero)
    }
}

/// A connector's own TLS settings (`spec.connection.tls`) get a dedicated client.
final class ConnectivityTransportTLSTests: XCTestCase {
    func testAConnectorsCAFileAndSPKIPinsAreApplied() async throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-conn-tls")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ca = try CertificateAuthority.generate(commonName: "Connector CA", validityDays: 1)
        let leaf = try ca.issueLeaf(commonName: "dp", dnsNames: [], ipAddresses: ["127.0.0.1"], validityDays: 1)
        let caFile = dir.appendingPathComponent("ca.pem").path, cert = dir.appendingPathComponent("dp.pem").path
        let key = dir.appendingPathComponent("dp.key").path
        try PEMFile.write(ca.certificatePEM, to: caFile, mode: PEMFile.publicMode)
        try PEMFile.write(leaf.certificatePEM, to: cert, mode: PEMFile.publicMode)
        try PEMFile.write(leaf.privateKeyPEM, to: key)
        let dp = try DPSimulator(configuration: SimulatorConfiguration(kind: .echo, tlsCertificateFile: cert, tlsKeyFile: key))
        try dp.start()

        let group = try EventLoopGroup(threads: 1)
        let events = ConnectivityEventLog(logger: Logger(sink: MemoryLogSink()))
        let tracker = ConnectionTracker(events: events)
        let base = HTTPClientConfiguration(connectionEvents: tracker.observer)  // system roots: the test CA is unknown
        let shared = try HTTPClient(group: group, configuration: base)
        let transport = ConnectivityTransport(client: shared, events: events, tracker: tracker, group: group, configuration: base)

        func send(_ configure: (inout Manifest.Connection) -> Void, name: String) async -> Result<HTTPResponse, TransportError> {
            var m = MutualTLSDP.manifest(name: name, url: dp.url)
            configure(&m.connection)
            let session = transport.routingSession(for: m, allowed: m.regions, jurisdiction: .eu, overrides: [:])!
            let context = TransportContext(connector: name, region: m.regions[0], baseURL: EndpointURL(dp.url)!,
                                           deadline: .now + .seconds(5), requestID: "t", trace: .continuing(nil), routing: session)
            do { return .success(try await transport.send(HTTPRequest(method: "GET", path: "/echo", idempotent: true), context: context)) } catch {
                return .failure(error)
            }
        }

        // The shared client does not trust the test CA.
        guard case .failure = await send({ _ in }, name: "untrusted") else { return XCTFail("an unknown CA was trusted") }
        // The connector's ca_file is applied, with TLS 1.3 only.
        let trusted = await send({ $0.tlsCAFile = caFile; $0.tlsMinVersion = "1.3" }, name: "trusted")
        XCTAssertEqual(try trusted.get().status, 200)
        // A pin that matches nothing refuses the server; a bad CA file is a clear error, not a fallback.
        let pinned = await send({ $0.tlsCAFile = caFile; $0.tlsSPKIPins = [String(repeating: "B", count: 43) + "="] }, name: "pinned")
        guard case .failure(let pinError) = pinned else { return XCTFail("a pin mismatch was accepted") }
        XCTAssertTrue(pinError.reason.contains("SPKI pin"), pinError.reason)
        let broken = await send({ $0.tlsCAFile = dir.appendingPathComponent("missing.pem").path }, name: "broken")
        guard case .failure(let caError) = broken else { return XCTFail("a missing CA file fell back to the system roots") }
        XCTAssertTrue(caError.reason.contains("TLS settings"), caError.reason)

        transport.shutdown()
        shared.shutdown()
        group.shutdown()
        await dp.shutdown(gracePeriod: .zero)
    }
}

extension ConnectivityTransportTLSTests {
    /// A transport over the DP's event loops whose shared client trusts only the system roots.
    private func makeTransport(_ dp: MutualTLSDP) throws -> (ConnectivityTransport, HTTPClient) {
        let events = ConnectivityEventLog(logger: Logger(sink: MemoryLogSink()))
        let tracker = ConnectionTracker(events: events)
        let base = HTTPClientConfiguration(connectionEvents: tracker.observer)
        let shared = try HTTPClient(group: dp.group, configuration: base)
        return (ConnectivityTransport(client: shared, events: events, tracker: tracker, group: dp.group, configuration: base), shared)
    }

    /// Send `GET /` for `tenant` through `m`'s routing; the DP's answer as text.
    private func send(_ transport: ConnectivityTransport, _ m: Manifest, tenant: String? = nil) async throws
        -> Result<String, TransportError> {
        let session = transport.routingSession(for: m, allowed: m.regions, jurisdiction: .eu, overrides: [:],
                                               tenant: try tenant.map { name throws -> TenantID in try TenantID(name) })!
        let context = TransportContext(connector: m.name, region: m.regions[0], baseURL: EndpointURL(m.regions[0].endpoints[0])!,
                                       deadline: .now + .seconds(5), requestID: "t", trace: .continuing(nil), routing: session)
        do {
            let response = try await transport.send(HTTPRequest(method: "GET", path: "/", idempotent: true), context: context)
            return .success(String(decoding: response.body, as: UTF8.self))
        } catch {
            return .failure(error)
        }
    }

    func testAConnectorsClientCertificateIsPresentedToTheDP() async throws {
        // The DP requires a client certificate from the CA and says whose it saw.
        let dp = try MutualTLSDP(clients: ["pavilion-connector"]) { request in
            HTTPServerResponse(status: 200, body: Array((request.tls?.peerSubject ?? "none").utf8))
        }
        let (transport, shared) = try makeTransport(dp)

        var anonymous = MutualTLSDP.manifest(name: "anonymous", url: dp.url)
        anonymous.connection.tlsCAFile = dp.path("ca.pem")
        guard case .failure = try await send(transport, anonymous) else { return XCTFail("the DP answered without a client certificate") }
        var mtls = MutualTLSDP.manifest(name: "mtls", url: dp.url)
        mtls.connection.tlsCAFile = dp.path("ca.pem")
        mtls.connection.tlsClientCertificate = dp.path("pavilion-connector.pem")
        mtls.connection.tlsClientKey = dp.path("pavilion-connector.key")
        let body = try await send(transport, mtls).get()
        XCTAssertTrue(body.contains("CN=pavilion-connector"), body)

        transport.shutdown()
        shared.shutdown()
        await dp.stop()
    }

    func testTenantsPresentTheirOwnClientCertificatesOverTheirOwnConnections() async throws {
        let dp = try MutualTLSDP(clients: ["tenant-a", "tenant-b"]) { request in
            HTTPServerResponse(status: 200, body: Array((request.tls?.peerSubject ?? "none").utf8))
        }
        func certificate(_ name: String) -> TenantClientCertificate {
            TenantClientCertificate(certificate: dp.path("\(name).pem"), privateKey: dp.path("\(name).key"))
        }
        let (transport, shared) = try makeTransport(dp)
        transport.setClientCertificates([
            "tenant-a": ["bank": certificate("tenant-a")], "tenant-b": ["bank": certificate("tenant-b")],
            "tenant-c": ["bank": certificate("missing")],
        ])
        var m = MutualTLSDP.manifest(name: "bank", url: dp.url)
        m.connection.tlsCAFile = dp.path("ca.pem")

        // Alternating tenants: each request presents its own tenant's certificate.
        for tenant in ["tenant-a", "tenant-b", "tenant-a", "tenant-b"] {
            let subject = try await send(transport, m, tenant: tenant).get()
            XCTAssertTrue(subject.contains("CN=\(tenant)"), "\(tenant) presented \(subject)")
        }
        // Each tenant has its own state (pools, breakers); tenants without a certificate share the connector's.
        let a = transport.connectivity(for: m, tenant: try TenantID("tenant-a"))
        let b = transport.connectivity(for: m, tenant: try TenantID("tenant-b"))
        XCTAssertFalse(a === b)
        XCTAssertTrue(transport.connectivity(for: m, tenant: try TenantID("tenant-d")) === transport.connectivity(for: m))
        XCTAssertEqual(transport.connectorStates.count, 1)

        // No certificate: the DP refuses the handshake; an unreadable one is a clear error, never the shared identity.
        guard case .failure = try await send(transport, m) else { return XCTFail("the DP answered without a client certificate") }
        guard case .failure(let broken) = try await send(transport, m, tenant: "tenant-c") else {
            return XCTFail("a missing certificate file was ignored")
        }
        XCTAssertTrue(broken.reason.contains("tenant 'tenant-c' client certificate for connector 'bank'"), broken.reason)

        // A new set drops the tenants' states; B now has no certificate.
        transport.setClientCertificates(["tenant-a": ["bank": certificate("tenant-a")]])
        XCTAssertFalse(transport.connectivity(for: m, tenant: try TenantID("tenant-a")) === a)
        guard case .failure = try await send(transport, m, tenant: "tenant-b") else {
            return XCTFail("a removed certificate was still presented")
        }
        let again = try await send(transport, m, tenant: "tenant-a").get()
        XCTAssertTrue(again.contains("CN=tenant-a"), again)

        transport.shutdown()
        shared.shutdown()
        await dp.stop()
    }
}
