import Foundation
import PavilionCrypto

/// An HTTP/1.1 server (plain or TLS) on an `EventLoopGroup`.
///
/// Each loop has its own listening socket on the same port (`SO_REUSEPORT`),
/// so the kernel spreads connections over loops and a connection stays on the
/// loop that accepted it. Requests are parsed on the loop; each complete one
/// runs `handler` in a task; the response is written back on the loop.
/// One request per connection is in flight; pipelined requests wait in the
/// connection's buffer and are answered in order.
public final class HTTPServer: Sendable {
    let core: ServerCore
    private let group: EventLoopGroup
    private let states: [ServerLoopState]
    private let started = LockedFlag()

    /// Create a server; nothing listens until `start`.
    /// - Parameters:
    ///   - configuration: address, TLS and limits.
    ///   - group: the loops to run on.
    ///   - handler: answers each request.
    /// - Throws: `HTTPServerError.tls` when the TLS configuration cannot be loaded.
    public init(configuration: HTTPServerConfiguration, group: EventLoopGroup,
                handler: @escaping HTTPHandler) throws(HTTPServerError) {
        var context: TLSContext?
        if let tls = configuration.tls {
            do { context = try TLSContext(configuration: tls) } catch { throw .tls(error) }
        }
        let core = ServerCore(configuration: configuration, handler: handler, tlsContext: context)
        self.core = core
        self.group = group
        states = group.loops.map { ServerLoopState(loop: $0, core: core) }
    }

    /// Bind and listen on every loop.
    /// - Throws: `HTTPServerError.system` when the address cannot be bound.
    public func start() throws(HTTPServerError) {
        guard started.setOnce() else { throw .invalidState("already started") }
        let config = core.configuration
        var port = config.port
        var fds: [Int32] = []
        do throws(NetError) {
            for _ in states {
                guard let address = SocketAddress(ipLiteral: config.host, port: port) else {
                    throw NetError(call: "HTTPServer.start", errno: 0, reason: "host must be an IP literal: \(config.host)")
                }
                let fd = try Sys.socket(family: address.family)
                fds.append(fd)
                try Sys.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
                try Sys.setOption(fd, level: SOL_SOCKET, name: SO_REUSEPORT, value: 1)
                try Sys.bind(fd, address)
                try Sys.listen(fd, backlog: config.backlog)
                port = try Sys.localAddress(fd).port
            }
        } catch {
            fds.forEach(Sys.close)
            throw .system(error)
        }
        core.setPort(port)
        let done = DispatchSemaphore(value: 0)
        for (state, fd) in zip(states, fds) {
            state.loop.execute {
                state.listen(fd: fd)
                done.signal()
            }
        }
        for _ in states { done.wait() }
    }

    /// The bound port (after `start`).
    public var port: Int { core.port }

    /// The server's counters.
    public var counters: NetCountersSnapshot { core.counters.snapshot }

    /// Stop accepting, close idle connections, let in-flight requests finish
    /// (their responses carry `Connection: close`), and force-close whatever is
    /// left after `gracePeriod`.
    /// - Parameter gracePeriod: the longest wait for in-flight requests.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let deadline = Sys.now() &+ gracePeriod.nanoseconds
        // Every listener closes before any connection is drained, so once a
        // connection has been closed by the shutdown, no loop accepts.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = DrainWaiter(count: states.count, continuation: continuation)
            for state in states {
                state.loop.execute {
                    state.stopListening()
                    waiter.loopDrained()
                }
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = DrainWaiter(count: states.count, continuation: continuation)
            for state in states {
                state.loop.execute { state.beginDrain(deadline: deadline, waiter: waiter) }
            }
        }
    }
}

/// What every connection of a server shares.
final class ServerCore: @unchecked Sendable {
    let configuration: HTTPServerConfiguration
    let handler: HTTPHandler
    let tlsContext: TLSContext?
    let counters = NetCounters()
    private let lock = NSLock()
    private var boundPort = 0
    let headerTimeout: UInt64
    let idleTimeout: UInt64
    let bodyTimeout: UInt64
    let requestTimeout: UInt64
    let writeTimeout: UInt64

    init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler, tlsContext: TLSContext?) {
        self.configuration = configuration
        self.handler = handler
        self.tlsContext = tlsContext
        headerTimeout = configuration.headerTimeout.nanoseconds
        idleTimeout = configuration.idleTimeout.nanoseconds
        bodyTimeout = configuration.bodyProgressTimeout.nanoseconds
        requestTimeout = configuration.requestTimeout.nanoseconds
        writeTimeout = configuration.writeTimeout.nanoseconds
    }

    var port: Int { lock.withLock { boundPort } }
    func setPort(_ port: Int) { lock.withLock { boundPort = port } }
}

/// One loop's share of a server: its listener and its connections. Loop-confined.
final class ServerLoopState: EventHandler, @unchecked Sendable {
    let loop: EventLoop
    let core: ServerCore
    private var listenFD: Int32 = -1
    private var connections: [UInt64: ServerConnection] = [:]
    private var draining = false
    private var waiter: DrainWaiter?
    static let connectionIDs = LockedCounter()

    init(loop: EventLoop, core: ServerCore) {
        self.loop = loop
        self.core = core
    }

    func listen(fd: Int32) {
        listenFD = fd
        do { try loop.register(fd, events: Sys.readable, handler: self) } catch {
            Sys.close(fd)
            listenFD = -1
        }
    }

    /// The listener is readable: accept what is waiting.
    func handleEvents(_ events: UInt32) {
        for _ in 0..<1024 {
            guard listenFD >= 0 else { return }
            let accepted: (Int32, SocketAddress)?
            do { accepted = try Sys.accept(listenFD) } catch { return }
            guard let (fd, address) = accepted else { return }
            let open = core.counters.snapshot.openConnections
            if draining || open >= core.configuration.maxConnections {
                Sys.close(fd)
                continue
            }
            Sys.setNoDelay(fd)
            let id = UInt64(ServerLoopState.connectionIDs.next())
            guard let connection = ServerConnection(fd: fd, id: id, remote: address.description, state: self) else {
                Sys.close(fd)
                continue
            }
            connections[id] = connection
            core.counters.update {
                $0.openConnections += 1
                $0.connectionsOpened += 1
            }
            connection.begin()
        }
    }

    func removed(_ connection: ServerConnection) {
        connections[connection.id] = nil
        core.counters.update { $0.openConnections -= 1 }
        checkDrained()
    }

    var isDraining: Bool { draining }

    /// Close the listener; connections already accepted stay.
    func stopListening() {
        draining = true
        if listenFD >= 0 {
            loop.unregister(listenFD)
            Sys.close(listenFD)
            listenFD = -1
        }
    }

    func beginDrain(deadline: UInt64, waiter: DrainWaiter) {
        self.waiter = waiter
        stopListening()
        for connection in Array(connections.values) { connection.drain() }
        loop.schedule(at: deadline) { [self] in
            for connection in Array(connections.values) { connection.close() }
        }
        checkDrained()
    }

    private func checkDrained() {
        guard draining, connections.isEmpty, let waiter else { return }
        self.waiter = nil
        waiter.loopDrained()
    }
}

/// Resumes `shutdown` once every loop has done its part (closed its
/// listener, then drained).
final class DrainWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var continuation: CheckedContinuation<Void, Never>?

    init(count: Int, continuation: CheckedContinuation<Void, Never>) {
        remaining = count
        self.continuation = continuation
    }

    func loopDrained() {
        let resume = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            remaining -= 1
            guard remaining == 0 else { return nil }
            defer { continuation = nil }
            return continuation
        }
        resume?.resume()
    }
}

/// A flag that can be set once.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    func setOnce() -> Bool { lock.withLock { if set { return false }; set = true; return true } }
}
