import Glibc
import PavilionCrypto

/// One client connection to an endpoint: connect, optional TLS handshake,
/// then exchanges one at a time. Confined to its loop.
final class ClientConnection: EventHandler, @unchecked Sendable {
    typealias Completion = @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void

    private enum Stage {
        case fresh
        case connecting
        case handshaking
        case active
        case idle
        case closed
    }

    private struct Exchange {
        var request: [UInt8]
        var parser: HTTPResponseParser
        var completion: Completion
        var id: UInt64
        var reused: Bool
        var idempotent: Bool
        var warm: Bool
    }

    let endpoint: Endpoint
    let loop: EventLoop
    private let core: ClientCore
    private var fd: Int32 = -1
    private var tls: TLSConnection?
    private var stage = Stage.fresh
    private var exchange: Exchange?
    private var exchangeCounter: UInt64 = 0
    private var out: [UInt8] = []
    private var outIndex = 0
    private var interest: UInt32 = 0
    private var idleGeneration: UInt64 = 0
    /// Names the connection in audit events.
    let id: UInt64
    private var openedAt: UInt64 = 0
    private var exchangesDone = 0
    private var sessionSaved = false

    init(endpoint: Endpoint, loop: EventLoop, core: ClientCore) {
        self.endpoint = endpoint
        self.loop = loop
        self.core = core
        id = core.nextConnectionID()
    }

    // MARK: Starting exchanges (on the loop)

    /// Connect to `address` and run the first exchange. With `warm`, only
    /// connect (and handshake), then go idle into the pool and complete with
    /// an empty status-0 response (pre-warming).
    func connect(to address: SocketAddress, request: [UInt8], isHead: Bool, idempotent: Bool,
                 deadline: UInt64, warm: Bool = false, completion: @escaping Completion) {
        begin(request: request, isHead: isHead, idempotent: idempotent, reused: false, deadline: deadline, warm: warm,
              completion: completion)
        openedAt = Sys.now()
        let connectTimeout = core.pool.limits(for: endpoint)?.connectTimeout?.nanoseconds ?? core.connectTimeout
        let connectDeadline = min(deadline, Sys.now() &+ connectTimeout)
        let id = exchangeCounter
        loop.schedule(at: connectDeadline) { [self] in
            guard exchange?.id == id, stage == .connecting || stage == .handshaking else { return }
            fail(HTTPClientError(.timeout, "connecting to \(endpoint) timed out"))
        }
        do throws(NetError) {
            fd = try Sys.socket(family: address.family)
            Sys.setNoDelay(fd)
            if endpoint.scheme == .https {
                guard let context = core.tlsContext else {
                    fail(HTTPClientError(.tls, "no TLS context"))
                    return
                }
                do {
                    tls = try TLSConnection(context: context, serverName: endpoint.host,
                                            resuming: core.resumableSession(for: endpoint))
                } catch {
                    fail(HTTPClientError(.tls, error.description))
                    return
                }
            }
            core.counters.update {
                $0.connectionsOpened += 1
                $0.openConnections += 1
            }
            stage = .connecting
            let connected = try Sys.connect(fd, address)
            try loop.register(fd, events: Sys.writable, handler: self)
            interest = Sys.writable
            if connected { didConnect() }
        } catch {
            if error.errno == ECONNREFUSED {
                fail(HTTPClientError(.connectRefused, "\(endpoint): \(error.reason)"))
            } else {
                fail(HTTPClientError(.system, error.description))
            }
        }
    }

    /// Run an exchange on this idle, reused connection.
    func reuse(request: [UInt8], isHead: Bool, idempotent: Bool, deadline: UInt64, completion: @escaping Completion) {
        guard stage == .idle else {
            var error = HTTPClientError(.connectionReset, "pooled connection closed")
            error.retryable = true
            completion(.failure(error))
            return
        }
        core.counters.update { $0.reusedConnections += 1 }
        begin(request: request, isHead: isHead, idempotent: idempotent, reused: true, deadline: deadline, warm: false,
              completion: completion)
        stage = .active
        sendRequest()
    }

    private func begin(request: [UInt8], isHead: Bool, idempotent: Bool, reused: Bool, deadline: UInt64, warm: Bool,
                       completion: @escaping Completion) {
        exchangeCounter &+= 1
        let id = exchangeCounter
        exchange = Exchange(request: request,
                            parser: HTTPResponseParser(isHeadRequest: isHead, maxHeaderBytes: 64 * 1024,
                                                       maxBodyBytes: core.maxResponseBytes),
                            completion: completion, id: id, reused: reused, idempotent: idempotent, warm: warm)
        idleGeneration &+= 1
        loop.schedule(at: deadline) { [self] in
            guard exchange?.id == id else { return }
            fail(HTTPClientError(.timeout, "no complete response from \(endpoint) before the deadline"))
        }
    }

    // MARK: Events

    func handleEvents(_ events: UInt32) {
        switch stage {
        case .connecting:
            let error = Sys.socketError(fd)
            guard error == 0 else {
                let text = NetError.system("connect", error).reason
                fail(error == ECONNREFUSED ? HTTPClientError(.connectRefused, "\(endpoint): \(text)")
                                           : HTTPClientError(.system, "connect \(endpoint): \(text)"))
                return
            }
            didConnect()
        case .handshaking, .active:
            if events & Sys.writable != 0 { flush() }
            if events & (Sys.readable | Sys.hangup) != 0, stage != .closed { readAvailable() }
        case .idle:
            // The server closed an idle connection (or sent something unasked).
            core.pool.remove(self)
            close(reason: "peer_closed")
        case .fresh, .closed:
            break
        }
    }

    private func didConnect() {
        if let tls {
            stage = .handshaking
            setInterest(Sys.readable)
            advanceHandshake(tls)
        } else {
            stage = .active
            setInterest(Sys.readable)
            established()
        }
    }

    /// Connected (and TLS done): report it, then send the first request.
    private func established() {
        if let observe = core.connectionEvents {
            let info = tls?.sessionInfo
            observe(ClientConnectionEvent(kind: .connected, endpoint: endpoint, connectionID: id,
                                          tlsVersion: info?.version, tlsCipher: info?.cipher,
                                          tlsResumed: tls?.resumedSession ?? false))
        }
        sendRequest()
    }

    private func advanceHandshake(_ tls: TLSConnection) {
        do {
            let status = try tls.handshake()
            tls.drainCiphertext(into: &out)
            flush()
            if status == .complete, stage == .handshaking {
                if !core.spkiPins.isEmpty {
                    let pin = tls.peerPublicKeyPin
                    guard let pin, core.spkiPins.contains(pin) else {
                        core.counters.update { $0.tlsHandshakeFailures += 1 }
                        fail(HTTPClientError(.tls, "\(endpoint): the server's public key (pin \(pin ?? "none")) matches no configured SPKI pin"))
                        return
                    }
                }
                stage = .active
                established()
            }
        } catch {
            core.counters.update { $0.tlsHandshakeFailures += 1 }
            fail(HTTPClientError(.tls, error.description))
        }
    }

    private func sendRequest() {
        if let pending = exchange, pending.warm {
            exchange = nil
            becomeIdle()
            pending.completion(stage == .idle ? .success(HTTPClientResponse(status: 0, headers: HTTPHeaders(), body: []))
                                              : .failure(HTTPClientError(.shutdown, "the pool did not keep the connection")))
            return
        }
        guard let request = exchange?.request else { return }
        if let tls {
            do { try tls.writePlaintext(request) } catch {
                fail(HTTPClientError(.tls, error.description))
                return
            }
            tls.drainCiphertext(into: &out)
        } else {
            out.append(contentsOf: request)
        }
        exchange?.request = []
        flush()
    }

    private func flush() {
        while outIndex < out.count {
            switch Sys.write(fd, out[outIndex...]) {
            case .bytes(let n):
                outIndex += n
                core.counters.update { $0.bytesOut += n }
            case .wouldBlock:
                setInterest(interest | Sys.writable)
                return
            case .eof, .failed:
                failReset("write failed")
                return
            }
        }
        out = []
        outIndex = 0
        setInterest(interest & ~Sys.writable)
    }

    private func readAvailable() {
        var received: [UInt8] = []
        var eof = false
        reading: while true {
            switch Sys.read(fd, into: &loop.readBuffer) {
            case .bytes(let n):
                core.counters.update { $0.bytesIn += n }
                received.append(contentsOf: loop.readBuffer[0..<n])
                if n < loop.readBuffer.count { break reading }
            case .wouldBlock: break reading
            case .eof:
                eof = true
                break reading
            case .failed(let code):
                if received.isEmpty {
                    failReset("read: \(NetError.system("read", code).reason)")
                    return
                }
                eof = true
                break reading
            }
        }
        if let tls {
            tls.feedCiphertext(received)
            received = []
            if stage == .handshaking {
                advanceHandshake(tls)
                guard stage == .active else {
                    if eof { failReset("closed during TLS handshake") }
                    return
                }
            }
            do {
                if try tls.readPlaintext(into: &received) { eof = true }
            } catch {
                fail(HTTPClientError(.tls, error.description))
                return
            }
            tls.drainCiphertext(into: &out)
            if !out.isEmpty { flush() }
        }
        guard var current = exchange else {
            if eof { close(reason: "peer_closed") }
            return
        }
        current.parser.append(received)
        var action = current.parser.next()
        if case .needMoreData = action, eof { action = current.parser.finishOnEOF() }
        exchange = current
        switch action {
        case .needMoreData:
            return
        case .failed(let error):
            if error.code == .truncated {
                if current.parser.receivedAny { failReset("connection closed mid-response") } else { failReset("connection closed before a response") }
            } else if error.code == .bodyTooLarge {
                fail(HTTPClientError(.responseTooLarge, error.detail))
            } else {
                fail(HTTPClientError(.protocolError, error.description))
            }
        case .response(let head, let body):
            let reusable = head.keepAlive && !eof && current.parser.leftoverByteCount == 0
            exchange = nil
            exchangesDone += 1
            // TLS 1.3 tickets arrive after the handshake: by the first response there is one to keep.
            if !sessionSaved, let session = tls?.resumableSession {
                sessionSaved = true
                core.save(session, for: endpoint)
            }
            core.counters.update { $0.requests += 1 }
            // Back in the pool before the caller resumes, so its next request can reuse it.
            if reusable { becomeIdle() } else { close(reason: "not_keep_alive") }
            current.completion(.success(HTTPClientResponse(status: head.status, headers: head.headers, body: body)))
        }
    }

    private func becomeIdle() {
        stage = .idle
        let limits = core.pool.limits(for: endpoint)
        if let limits, Sys.now() &- openedAt >= limits.maxLifetime.nanoseconds {
            close(reason: "max_lifetime")
            return
        }
        guard core.pool.checkin(self) else {
            close(reason: "pool_full")
            return
        }
        idleGeneration &+= 1
        let generation = idleGeneration
        loop.schedule(at: Sys.now() &+ (limits?.idleTimeout.nanoseconds ?? core.idleTimeout)) { [self] in
            guard stage == .idle, idleGeneration == generation else { return }
            core.pool.remove(self)
            close(reason: "idle_timeout")
        }
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest, fd >= 0, stage != .closed else { return }
        interest = events
        loop.modify(fd, events: events)
    }

    // MARK: Failing and closing

    private func failReset(_ reason: String) {
        var error = HTTPClientError(.connectionReset, "\(endpoint): \(reason)")
        if let exchange, exchange.reused, exchange.idempotent, !exchange.parser.receivedAny { error.retryable = true }
        fail(error)
    }

    private func fail(_ error: HTTPClientError) {
        let pending = exchange
        exchange = nil
        close(reason: "error: \(error.code.rawValue)")
        if let pending {
            core.counters.update { $0.failures += 1 }
            pending.completion(.failure(error))
        }
    }

    /// Close the socket (on the loop); `reason` goes to the audit event.
    func close(reason: String = "closed") {
        guard stage != .closed else { return }
        let wasOpen = fd >= 0 && stage != .fresh
        stage = .closed
        if let tls, fd >= 0, wasOpen {
            // close_notify (best effort, never waits): OpenSSL marks a
            // session freed without it as not resumable.
            tls.close()
            var notify: [UInt8] = []
            tls.drainCiphertext(into: &notify)
            if !notify.isEmpty { _ = Sys.write(fd, notify[...]) }
        }
        if fd >= 0 {
            loop.unregister(fd)
            Sys.close(fd)
            fd = -1
        }
        tls = nil
        if wasOpen {
            core.counters.update { $0.openConnections -= 1 }
            core.connectionEvents?(ClientConnectionEvent(kind: .closed, endpoint: endpoint, connectionID: id,
                                                         exchanges: exchangesDone, reason: reason))
        }
        if let pending = exchange {
            exchange = nil
            pending.completion(.failure(HTTPClientError(.shutdown, "connection closed")))
        }
    }
}
