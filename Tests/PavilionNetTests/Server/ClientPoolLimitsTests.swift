import Foundation
import PavilionNet
import PavilionTestSupport
import Synchronization
import XCTest

/// Connection events collected from the client's loops.
final class ConnectionEvents: Sendable {
    private let stored = Mutex<[ClientConnectionEvent]>([])
    func append(_ event: ClientConnectionEvent) { stored.withLock { $0.append(event) } }
    var all: [ClientConnectionEvent] { stored.withLock { $0 } }
    var connects: [ClientConnectionEvent] { all.filter { $0.kind == .connected } }
    var closes: [ClientConnectionEvent] { all.filter { $0.kind == .closed } }
}

final class ClientPoolLimitsTests: XCTestCase {
    private func client(_ group: EventLoopGroup, _ events: ConnectionEvents) throws -> HTTPClient {
        try HTTPClient(group: group, configuration: HTTPClientConfiguration(maxIdlePerEndpoint: 64, connectionEvents: events.append))
    }

    func testIdleConnectionsBeyondTheEndpointsLimitAreClosed() async throws {
        // The server holds every answer until all six requests have arrived,
        // so the six are in flight at once and need six connections.
        let arrived = Mutex(0)
        let server = try TestServer(HTTPServerConfiguration()) { request in
            arrived.withLock { $0 += 1 }
            let until = ContinuousClock.now + .seconds(5)
            while arrived.withLock({ $0 }) < 6, ContinuousClock.now < until { try? await Task.sleep(for: .milliseconds(1)) }
            return await TestServer.echo(request)
        }
        // One loop: the idle limit holds per event loop (each loop can use only its own connections).
        let group = try EventLoopGroup(threads: 1)
        let events = ConnectionEvents()
        let client = try client(group, events)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: server.port)
        client.setLimits(EndpointPoolLimits(maxIdle: 2, idleTimeout: .seconds(30), maxLifetime: .seconds(60)), for: endpoint)
        // Six at once need six connections; only two may stay idle.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask { try await client.send(HTTPClientRequest(), to: endpoint, deadline: deadline()).status }
            }
            for try await status in group { XCTAssertEqual(status, 200) }
        }
        XCTAssertEqual(client.idleConnections(to: endpoint), 2)
        let closed = events.closes
        XCTAssertEqual(closed.count, events.connects.count - 2)
        XCTAssertTrue(closed.allSatisfy { $0.reason == "pool_full" })
        client.shutdown()
        await server.stop()
        group.shutdown()
    }

    func testAConnectionPastItsLifetimeIsNotReused() async throws {
        let server = try TestServer(HTTPServerConfiguration())
        let group = try EventLoopGroup(threads: 1)
        let events = ConnectionEvents()
        let client = try client(group, events)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: server.port)
        client.setLimits(EndpointPoolLimits(maxIdle: 4, idleTimeout: .seconds(30), maxLifetime: .zero), for: endpoint)
        for _ in 0..<2 { _ = try await client.send(HTTPClientRequest(), to: endpoint, deadline: deadline()) }
        XCTAssertEqual(client.counters.connectionsOpened, 2)
        XCTAssertEqual(events.closes.map(\.reason), ["max_lifetime", "max_lifetime"])
        XCTAssertEqual(events.closes.map(\.exchanges), [1, 1])
        client.shutdown()
        await server.stop()
        group.shutdown()
    }

    func testPrewarmOpensIdleConnectionsThatRequestsThenReuse() async throws {
        let server = try TestServer(HTTPServerConfiguration())
        let group = try EventLoopGroup(threads: 1)
        let events = ConnectionEvents()
        let client = try client(group, events)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: server.port)
        let opened = await client.prewarm(endpoint, count: 3, deadline: deadline())
        XCTAssertEqual(opened, 3)
        XCTAssertEqual(client.idleConnections(to: endpoint), 3)
        _ = try await client.send(HTTPClientRequest(), to: endpoint, deadline: deadline())
        XCTAssertEqual(client.counters.connectionsOpened, 3, "the request reused a pre-warmed connection")
        XCTAssertEqual(client.counters.reusedConnections, 1)
        // Nothing to connect to: none opened, no error thrown.
        let refused = await client.prewarm(Endpoint(scheme: .http, host: "127.0.0.1", port: 1), count: 2, deadline: deadline())
        XCTAssertEqual(refused, 0)
        let none = await client.prewarm(endpoint, count: 0, deadline: deadline())
        XCTAssertEqual(none, 0)
        client.shutdown()
        await server.stop()
        group.shutdown()
    }
}
