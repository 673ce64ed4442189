import PavilionCrypto

/// One accepted connection. Confined to its loop; its handler tasks prefer
/// the loop as their executor and reach it directly when they end there,
/// else through `loop.execute`.
///
/// At most one request is in flight: while its handler runs the connection
/// stops reading, so pipelined requests wait (in the parser's buffer or the
/// kernel's) and are answered in order once the response is written.
final class ServerConnection: EventHandler, @unchecked Sendable {
    private enum Stage {
        case handshaking
        case reading
        case handling(started: UInt64)
        case writing
        case closed

        var isClosed: Bool { if case .closed = self { return true } else { return false } }
    }

    let id: UInt64
    private let fd: Int32
    private let remote: String
    private unowned let state: ServerLoopState
    private var core: ServerCore { state.core }
    private var loop: EventLoop { state.loop }
    private var tls: TLSConnection?
    private var tlsInfo: TLSSessionInfo?
    private var parser: HTTPRequestParser
    private var stage: Stage
    private var out: [UInt8] = []
    private var outIndex = 0
    private var closeAfterWrite = false
    private var interest: UInt32 = 0
    private var generation: UInt64 = 0
    private var handlerTask: Task<Void, Never>?
    private var requestKeepAlive = true
    private var requestIsHead = false
    // Timing (monotonic ns).
    private let acceptedAt: UInt64
    private var headStartedAt: UInt64 = 0
    private var lastProgress: UInt64
    private var armedAt: UInt64?

    init?(fd: Int32, id: UInt64, remote: String, state: ServerLoopState) {
        self.fd = fd
        self.id = id
        self.remote = remote
        self.state = state
        parser = HTTPRequestParser(limits: state.core.configuration.limits)
        acceptedAt = Sys.now()
        lastProgress = acceptedAt
        if let context = state.core.tlsContext {
            guard let connection = try? TLSConnection(context: context) else { return nil }
            tls = connection
            stage = .handshaking
        } else {
            stage = .reading
        }
    }

    func begin() {
        do { try loop.register(fd, events: Sys.readable, handler: self) } catch {
            Sys.close(fd)
            stage = .closed
            state.removed(self)
            return
        }
        interest = Sys.readable
        rearm()
    }

    // MARK: Events

    func handleEvents(_ events: UInt32) {
        if case .closed = stage { return }
        if events & Sys.writable != 0 { flush() }
        if case .closed = stage { return }
        if events & Sys.readable != 0 {
            switch stage {
            case .handshaking, .reading:
                readAvailable()
            case .handling, .writing, .closed:
                // Bytes (a pipelined request, or the client's FIN) while a
                // request is in flight: stop reading until the response is
                // written; they wait in the kernel. Reading stays enabled
                // otherwise, so a plain request–response costs no epoll_ctl.
                setInterest(interest & ~Sys.readable)
            }
        } else if events & Sys.hangup != 0 {
            close()
        }
    }

    private func readAvailable() {
        var peerClosed = false
        reading: while true {
            switch Sys.read(fd, into: &loop.readBuffer) {
            case .bytes(let n):
                core.counters.update { $0.bytesIn += n }
                lastProgress = Sys.now()
                if let tls { tls.feedCiphertext(loop.readBuffer[0..<n]) } else {
                    if parser.phase == .idle { headStartedAt = lastProgress }
                    parser.append(loop.readBuffer[0..<n])
                }
                if n < loop.readBuffer.count { break reading }
            case .wouldBlock: break reading
            case .eof:
                peerClosed = true
                break reading
            case .failed:
                close()
                return
            }
        }
        if tls != nil {
            guard pumpTLS() else { return }
        }
        if peerClosed {
            // The client will send nothing more; answer what is complete, then close.
            closeAfterWrite = true
            setInterest(interest & ~Sys.readable)
        }
        process()
        if peerClosed, case .reading = stage, out.isEmpty { close() }
    }

    /// Move TLS records: handshake, then plaintext into the parser. Returns false if closed.
    private func pumpTLS() -> Bool {
        guard let tls else { return true }
        if !tls.isHandshakeComplete {
            do {
                let status = try tls.handshake()
                tls.drainCiphertext(into: &out)
                guard status == .complete else {
                    flush()
                    if case .closed = stage { return false }
                    return true
                }
                tlsInfo = tls.sessionInfo
                stage = .reading
            } catch {
                core.counters.update { $0.tlsHandshakeFailures += 1 }
                tls.drainCiphertext(into: &out)  // the alert, best effort
                closeAfterWrite = true
                flush()
                close()
                return false
            }
        }
        var plain: [UInt8] = []
        let peerClosed: Bool
        do { peerClosed = try tls.readPlaintext(into: &plain) } catch {
            close()
            return false
        }
        if !plain.isEmpty {
            if parser.phase == .idle { headStartedAt = Sys.now() }
            parser.append(plain)
        }
        tls.drainCiphertext(into: &out)
        if !out.isEmpty { flush() }
        if case .closed = stage { return false }
        if peerClosed {
            closeAfterWrite = true
            setInterest(interest & ~Sys.readable)
        }
        return true
    }

    /// Parse what is buffered and dispatch one request.
    private func process() {
        guard case .reading = stage else {
            rearm()
            return
        }
        switch parser.next() {
        case .needMoreData:
            break
        case .request(let head, let body):
            dispatch(head, body)
        case .failed(let error):
            core.counters.update { $0.failures += 1 }
            respondAndClose(.problem(status: error.status, code: error.code.rawValue,
                                     title: HTTPStatus.reason(error.status), detail: error.detail))
        }
        rearm()
    }

    private func dispatch(_ head: HTTPRequestHead, _ body: [UInt8]) {
        let started = Sys.now()
        stage = .handling(started: started)
        requestKeepAlive = head.keepAlive
        requestIsHead = head.method == "HEAD"
        // No reading while the handler runs (pipelined requests wait): the
        // loop drops read interest lazily, at the first readable event.
        generation &+= 1
        let generation = generation
        let request = HTTPServerRequest(head: head, body: body, remoteAddress: remote, tls: tlsInfo, connectionID: id)
        let handler = core.handler
        let loop = self.loop
        // The handler runs on this loop's thread (the loop is its task
        // executor) until it awaits something that answers elsewhere, and it
        // resumes here; the response is written without a hand-off.
        handlerTask = Task(executorPreference: loop) { [self] in
            let response = await handler(request)
            if loop.inLoop {
                handlerFinished(generation: generation, response: response)
            } else {
                loop.execute { self.handlerFinished(generation: generation, response: response) }
            }
        }
    }

    private func handlerFinished(generation: UInt64, response: HTTPServerResponse) {
        guard generation == self.generation, case .handling = stage else { return }
        handlerTask = nil
        core.counters.update { $0.requests += 1 }
        if response.dropsConnection {
            close()
            return
        }
        if !requestKeepAlive || state.isDraining { closeAfterWrite = true }
        write(response)
    }

    /// Send an error response (we no longer trust the stream) and close.
    private func respondAndClose(_ response: HTTPServerResponse) {
        closeAfterWrite = true
        requestIsHead = false
        write(response)
    }

    private func write(_ response: HTTPServerResponse) {
        stage = .writing
        let bytes = ServerConnection.serialize(response, close: closeAfterWrite, omitBody: requestIsHead)
        if let tls {
            do { try tls.writePlaintext(bytes) } catch {
                close()
                return
            }
            tls.drainCiphertext(into: &out)
        } else {
            out.append(contentsOf: bytes)
        }
        lastProgress = Sys.now()
        flush()
    }

    private func flush() {
        while outIndex < out.count {
            switch Sys.write(fd, out[outIndex...]) {
            case .bytes(let n):
                outIndex += n
                lastProgress = Sys.now()
                core.counters.update { $0.bytesOut += n }
            case .wouldBlock:
                setInterest(interest | Sys.writable)
                rearm()
                return
            case .eof, .failed:
                close()
                return
            }
        }
        out = []
        outIndex = 0
        setInterest(interest & ~Sys.writable)
        writeCompleted()
    }

    private func writeCompleted() {
        guard case .writing = stage else { return }
        if closeAfterWrite {
            close()
            return
        }
        stage = .reading
        setInterest(Sys.readable)
        lastProgress = Sys.now()
        if parser.phase != .idle { headStartedAt = lastProgress }
        process()
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest, !stage.isClosed else { return }
        interest = events
        loop.modify(fd, events: events)
    }

    // MARK: Deadlines

    /// The deadline of the current stage.
    private var deadline: UInt64 {
        switch stage {
        case .handshaking: return acceptedAt &+ core.headerTimeout
        case .handling(let started): return started &+ core.requestTimeout
        case .writing: return lastProgress &+ core.writeTimeout
        case .closed: return .max
        case .reading:
            if !out.isEmpty { return lastProgress &+ core.writeTimeout }
            switch parser.phase {
            case .idle, .failed: return lastProgress &+ core.idleTimeout
            case .head: return headStartedAt &+ core.headerTimeout
            case .body: return lastProgress &+ core.bodyTimeout
            }
        }
    }

    /// Make sure a timer fires at or before the current deadline (one armed at a time).
    private func rearm() {
        let due = deadline
        guard due != .max else { return }
        if let armedAt, armedAt <= due { return }
        armedAt = due
        loop.schedule(at: due) { [self] in timerFired(at: due) }
    }

    private func timerFired(at time: UInt64) {
        guard armedAt == time else { return }
        armedAt = nil
        if stage.isClosed { return }
        let due = deadline
        if due > Sys.now() {
            rearm()
            return
        }
        core.counters.update { $0.timeouts += 1 }
        switch stage {
        case .handshaking, .writing, .closed:
            close()
        case .handling:
            handlerTask?.cancel()
            handlerTask = nil
            generation &+= 1
            respondAndClose(.problem(status: 504, code: "request_deadline_exceeded", title: HTTPStatus.reason(504),
                                     detail: "the request did not complete within its deadline"))
        case .reading:
            switch parser.phase {
            case .head:
                respondAndClose(.problem(status: 408, code: "header_timeout", title: HTTPStatus.reason(408),
                                         detail: "the header section did not arrive in time"))
            case .body:
                respondAndClose(.problem(status: 408, code: "body_timeout", title: HTTPStatus.reason(408),
                                         detail: "the request body stalled"))
            case .idle, .failed:
                close()
            }
        }
        rearm()
    }

    // MARK: Closing

    /// Graceful shutdown: close now if idle, else after the current response.
    func drain() {
        closeAfterWrite = true
        if case .reading = stage, parser.phase == .idle, out.isEmpty { close() }
        if case .handshaking = stage { close() }
    }

    func close() {
        if stage.isClosed { return }
        stage = .closed
        handlerTask?.cancel()
        handlerTask = nil
        loop.unregister(fd)
        Sys.close(fd)
        tls = nil
        out = []
        state.removed(self)
    }

    // MARK: Serialisation

    static func serialize(_ response: HTTPServerResponse, close: Bool, omitBody: Bool) -> [UInt8] {
        // Bytes straight into one array (no intermediate String).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + response.headers.count * 48 + (omitBody ? 0 : response.body.count))
        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        bytes.append(contentsOf: String(response.status).utf8)
        bytes.append(HTTPSyntax.sp)
        bytes.append(contentsOf: HTTPStatus.reason(response.status).utf8)
        bytes.append(contentsOf: HTTPSyntax.crlfBytes)
        for field in response.headers {
            if HTTPSyntax.isFramingField(field.name) { continue }
            // Refuse fields that would split the response.
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(HTTPSyntax.isTokenChar),
                  field.value.utf8.allSatisfy(HTTPSyntax.isFieldValueChar) else { continue }
            HTTPSyntax.appendField(field.name, field.value, to: &bytes)
        }
        HTTPSyntax.appendField("content-length", String(response.body.count), to: &bytes)
        if close { HTTPSyntax.appendField("connection", "close", to: &bytes) }
        bytes.append(contentsOf: HTTPSyntax.crlfBytes)
        if !omitBody { bytes.append(contentsOf: response.body) }
        return bytes
    }
}

