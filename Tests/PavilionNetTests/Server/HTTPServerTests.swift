import Foundation
import PavilionNet
import XCTest

final class HTTPServerTests: XCTestCase {
    func testPlainRoundTripAndKeepAliveReuse() async throws {
        let server = try TestServer()
        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: server.port)
        var connectionIDs = Set<String>()
        for i in 0..<5 {
            let response = try await client.send(HTTPClientRequest(target: "/r\(i)"), to: endpoint, deadline: deadline())
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hello /r\(i)")
            connectionIDs.insert(response.headers["x-connection"] ?? "?")
        }
        let posted = try await client.send(HTTPClientRequest(method: "POST", target: "/p", body: Array("payload".utf8)),
                                           to: endpoint, deadline: deadline())
        XCTAssertEqual(posted.body, Array("payload".utf8))
        XCTAssertEqual(connectionIDs.count, 1, "all requests should share one keep-alive connection")
        XCTAssertEqual(client.counters.connectionsOpened, 1)
        XCTAssertEqual(client.counters.reusedConnections, 5)
        XCTAssertEqual(server.server.counters.requests, 6)
        client.shutdown()
        await server.stop()
        group.shutdown()
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try TestServer()
        let socket = try RawSocket(port: server.port)
        socket.send((1...5).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined() + "GET /6 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertTrue(closed)
        let order = text.components(separatedBy: "hello ").dropFirst().map { $0.prefix(2) }
        XCTAssertEqual(order, ["/1", "/2", "/3", "/4", "/5", "/6"])
        XCTAssertTrue(text.contains("connection: close"))
        await server.stop()
    }

    func testDroppedConnectionSendsNoResponseBytes() async throws {
        let server = try TestServer { request in
            request.path == "/drop" ? .dropConnection : HTTPServerResponse(status: 200, body: Array("kept".utf8))
        }
        let socket = try RawSocket(port: server.port)
        socket.send("GET /drop HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertEqual(text, "", "a dropped connection must not carry any response")
        XCTAssertTrue(closed)
        await server.stop()
    }

    func testOversizedBodyGets413ProblemDetails() async throws {
        let server = try TestServer(HTTPServerConfiguration(limits: HTTPRequestLimits(maxBodyBytes: 1000)))
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 413 "), text)
        XCTAssertTrue(text.contains("application/problem+json"))
        XCTAssertTrue(text.contains("\"code\":\"body_too_large\""), text)
        XCTAssertTrue(text.contains("\"status\":413"))
        XCTAssertTrue(closed)
        await server.stop()
    }

    func testOversizedHeaderSectionGets431() async throws {
        let server = try TestServer(HTTPServerConfiguration(limits: HTTPRequestLimits(maxHeaderBytes: 1024)))
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 2000) + "\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 431 "), text)
        XCTAssertTrue(text.contains("\"code\":\"header_section_too_large\""))
        XCTAssertTrue(closed)
        await server.stop()
    }

    func testSmugglingAttemptGets400AndClose() async throws {
        let server = try TestServer()
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 400 "), text)
        XCTAssertFalse(text.contains("smuggled"))
        XCTAssertTrue(closed)
        await server.stop()
    }

    func testSlowlorisClientIsDisconnectedAfterHeaderDeadline() async throws {
        let server = try TestServer(HTTPServerConfiguration(headerTimeout: .milliseconds(200)))
        let socket = try RawSocket(port: server.port, timeoutSeconds: 3)
        let start = Date()
        let request = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100)
        // One byte at a time, each after the server had a chance to answer; stop when it closes.
        var closedEarly = false
        for byte in request {
            socket.send([byte])
            var pfd = pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 20) > 0 { closedEarly = true; break }
        }
        let (text, closed) = socket.readToEnd()
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertTrue(closedEarly, "server should have given up before the header was complete")
        XCTAssertTrue(closed)
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 408 "), text)
        XCTAssertLessThan(elapsed, 2.0)
        XCTAssertGreaterThanOrEqual(server.server.counters.timeouts, 1)
        await server.stop()
    }

    func testIdleKeepAliveConnectionIsClosedAfterIdleTimeout() async throws {
        let server = try TestServer(HTTPServerConfiguration(idleTimeout: .milliseconds(200)))
        let socket = try RawSocket(port: server.port, timeoutSeconds: 3)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 "))
        XCTAssertTrue(closed, "idle keep-alive connection should be closed by the server")
        await server.stop()
    }

    func testHandlerOverRequestDeadlineGets504() async throws {
        let server = try TestServer(HTTPServerConfiguration(requestTimeout: .milliseconds(100))) { _ in
            try? await Task.sleep(for: .seconds(5))  // the slow handler under test, cancelled by the server
            return HTTPServerResponse(status: 200)
        }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let (text, closed) = socket.readToEnd()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 504 "), text)
        XCTAssertTrue(text.contains("request_deadline_exceeded"))
        XCTAssertTrue(closed)
        await server.stop()
    }

    func testGracefulShutdownFinishesInFlightRequest() async throws {
        let gate = Gate()
        let server = try TestServer { request in
            gate.arrive()
            await gate.waitOpen()
            return HTTPServerResponse(status: 200, body: Array("finished".utf8))
        }
        let idle = try RawSocket(port: server.port)
        let busy = try RawSocket(port: server.port)
        busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await gate.waitArrived()
        XCTAssertTrue(waitUntil { server.server.counters.openConnections == 2 })
        let http = server.server
        let shutdown = Task { await http.shutdown(gracePeriod: .seconds(5)) }
        let (idleText, idleClosed) = idle.readToEnd()
        XCTAssertEqual(idleText, "")
        XCTAssertTrue(idleClosed, "idle connection closed at shutdown")
        XCTAssertThrowsError(try RawSocket(port: server.port), "no longer accepting")
        gate.open()
        let (text, closed) = busy.readToEnd()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 "), text)
        XCTAssertTrue(text.contains("connection: close"))
        XCTAssertTrue(text.hasSuffix("finished"))
        XCTAssertTrue(closed)
        await shutdown.value
        XCTAssertEqual(server.server.counters.openConnections, 0)
        server.group.shutdown()
    }

    func testClientReportsRefusedConnectionTimeoutAndOversizedResponse() async throws {
        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(maxResponseBytes: 100))
        // A port that was just free: bind, read it, close.
        let probe = try TestServer()
        let freePort = probe.port
        await probe.stop()
        do {
            _ = try await client.send(HTTPClientRequest(), to: Endpoint(scheme: .http, host: "127.0.0.1", port: freePort), deadline: deadline())
            XCTFail("expected connectRefused")
        } catch {
            XCTAssertEqual(error.code, .connectRefused)
        }
        let big = try TestServer { _ in HTTPServerResponse(status: 200, body: Array(repeating: 65, count: 1000)) }
        do {
            _ = try await client.send(HTTPClientRequest(), to: Endpoint(scheme: .http, host: "127.0.0.1", port: big.port), deadline: deadline())
            XCTFail("expected responseTooLarge")
        } catch {
            XCTAssertEqual(error.code, .responseTooLarge)
        }
        await big.stop()
        let slow = try TestServer { _ in
            try? await Task.sleep(for: .seconds(3))  // slower than the client's deadline below
            return HTTPServerResponse(status: 200)
        }
        let started = ContinuousClock.now
        do {
            _ = try await client.send(HTTPClientRequest(), to: Endpoint(scheme: .http, host: "127.0.0.1", port: slow.port),
                                      deadline: .now + .milliseconds(200))
            XCTFail("expected timeout")
        } catch {
            XCTAssertEqual(error.code, .timeout)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
        await slow.stop()
        group.shutdown()
    }
}

/// Lets a test hold a handler until it says go.
/// A two-step rendezvous between a handler and a test. A lock, not an
/// actor: a task that hops through an actor the handler last ran on may keep
/// that loop's thread (Swift gives up the actor and stays on the thread), and
/// this test then blocks in `readToEnd`, which would stall the loop.
final class Gate: @unchecked Sendable {
    // @unchecked: every field is only touched under `lock`.
    private let lock = NSLock()
    private var arrived = false
    private var isOpen = false
    private var arrivalWaiters: [CheckedContinuation<Void, Never>] = []
    private var openWaiters: [CheckedContinuation<Void, Never>] = []

    func arrive() {
        let waiters = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            arrived = true
            defer { arrivalWaiters = [] }
            return arrivalWaiters
        }
        waiters.forEach { $0.resume() }
    }

    func waitArrived() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if arrived { return true }
                arrivalWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            isOpen = true
            defer { openWaiters = [] }
            return openWaiters
        }
        waiters.forEach { $0.resume() }
    }

    func waitOpen() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if isOpen { return true }
                openWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

final class InformalThroughputTests: XCTestCase {
    /// Not a benchmark: a sanity figure for the log, from a debug build.
    func testSequentialKeepAliveExchangesInformalRate() async throws {
        let server = try TestServer()
        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: server.port)
        let count = 2000
        let started = ContinuousClock.now
        for _ in 0..<count {
            let response = try await client.send(HTTPClientRequest(target: "/b"), to: endpoint, deadline: deadline())
            XCTAssertEqual(response.status, 200)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("informal: \(count) sequential keep-alive exchanges in \(elapsed), \(Int(Double(count) / seconds)) requests/s")
        XCTAssertEqual(client.counters.connectionsOpened, 1)
        client.shutdown()
        await server.stop()
        group.shutdown()
    }
}
