import Foundation

/// An open-loop, constant-rate HTTP/1.1 load generator on one thread with an
/// epoll set of its own: the measuring side of a latency benchmark.
///
/// Request `i` is due at `start + i / rate`. A timer (`timerfd`, so its
/// precision is not epoll's millisecond) wakes the thread when the next one
/// is due; it goes out then on an idle keep-alive connection, or a new one,
/// whether or not earlier requests have been answered, and its latency runs
/// from its due time, so a stalled server shows in the figures instead of
/// lowering the load (no coordinated omission). Plain HTTP only.
///
/// It is written for a small machine where the generator shares the cores
/// with the server it measures: no task, continuation or lock per request,
/// the request's bytes made once, the responses parsed in place. A generator
/// on `HTTPClient` with a task per request spent about 75 µs of CPU per
/// request, taken from the server under test.
public enum OpenLoopGenerator {
    /// What happened to each request.
    public struct Outcome: Sendable {
        /// Per request: nanoseconds from its due time to its complete
        /// answer, and whether the status was 2xx; `nil` for no answer
        /// (connection failed or closed, malformed response, timeout).
        public var results: [(latency: UInt64, ok: Bool)?]
        /// Monotonic ns of the first request's due time and of the last answer.
        public var start: UInt64
        public var lastAnswer: UInt64
    }

    /// Send `count` copies of `request` to `endpoint` at `rate` per second
    /// and wait for their answers (at most `timeout` after the last is due).
    /// - Parameter maxConnections: connections open at most; requests due
    ///   when all are busy wait for one (their latency still runs).
    /// - Throws: ``HTTPClientError`` for a request that cannot be written or
    ///   an https endpoint; `NetError` when the address does not resolve or the
    ///   epoll set cannot be made.
    public static func run(endpoint: Endpoint, request: HTTPClientRequest, rate: Double, count: Int,
                           timeout: Duration = .seconds(10), maxConnections: Int = 4_096) throws -> Outcome {
        guard endpoint.scheme == .http else { throw HTTPClientError(.invalidRequest, "the open-loop generator speaks plain HTTP only") }
        guard rate > 0, count > 0, timeout > .zero else {
            throw HTTPClientError(.invalidRequest, "rate, count and timeout must be positive")
        }
        let bytes = try HTTPClient.serialize(request, endpoint: endpoint)
        guard let address = try Sys.resolve(host: endpoint.host, port: endpoint.port).first else {
            throw NetError.system("getaddrinfo", EHOSTUNREACH)
        }
        var run = try Run(address: address, request: bytes, isHead: request.method == "HEAD", rate: rate, count: count,
                          timeoutNanoseconds: timeout.nanoseconds,
                          maxConnections: maxConnections)
        defer { run.close() }
        return run.execute()
    }
}

/// The state of one run, on the calling thread only.
private struct Run {
    private struct Connection {
        var connected = false
        /// The request it carries (index), or nil when idle.
        var request: Int?
        var written = 0
        var parser: HTTPResponseParser
    }

    private let address: SocketAddress
    private let request: [UInt8]
    private let isHead: Bool
    private let interval: Double
    private let count: Int
    private let timeout: UInt64
    private let maxConnections: Int
    private let epfd: Int32
    private let timer: Int32
    private var connections: [Int32: Connection] = [:]
    private var idle: [Int32] = []
    /// Requests due and waiting for a connection, oldest first.
    private var waiting: [Int] = []
    private var waitingHead = 0
    private var results: [(latency: UInt64, ok: Bool)?]
    private var answered = 0
    private var next = 0
    private var start: UInt64 = 0
    private var lastAnswer: UInt64 = 0
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    init(address: SocketAddress, request: [UInt8], isHead: Bool, rate: Double, count: Int, timeoutNanoseconds: UInt64,
         maxConnections: Int) throws(NetError) {
        self.address = address
        self.request = request
        self.isHead = isHead
        interval = 1e9 / rate
        self.count = count
        timeout = timeoutNanoseconds
        self.maxConnections = max(1, maxConnections)
        results = Array(repeating: nil, count: count)
        epfd = try Sys.epollCreate()
        do {
            timer = try Sys.timerFD()
        } catch {
            Sys.close(epfd)
            throw error
        }
        do throws(NetError) { try Sys.epollAdd(epfd, fd: timer, events: Sys.readable) } catch {
            Sys.close(timer)
            Sys.close(epfd)
            throw error
        }
    }

    mutating func close() {
        for fd in connections.keys { Sys.close(fd) }
        connections = [:]
        Sys.close(timer)
        Sys.close(epfd)
    }

    private func due(_ index: Int) -> UInt64 { start &+ UInt64(Double(index) * interval) }

    mutating func execute() -> OpenLoopGenerator.Outcome {
        start = Sys.now() &+ 20_000_000
        Sys.armTimerFD(timer, at: start)
        var batch = Sys.EventBatch(capacity: 512)
        let lastDue = due(count - 1)
        while answered < count {
            let now = Sys.now()
            if now > lastDue &+ timeout { break }
            // With every request sent, wake for the deadline; otherwise the timer does.
            let wait: Int32 = next >= count ? Int32(min((lastDue &+ timeout &- now) / 1_000_000 + 1, 1_000)) : -1
            Sys.epollWait(epfd, into: &batch, timeoutMilliseconds: wait)
            for i in 0..<batch.count {
                let fd = batch.fd(at: i)
                if fd == timer {
                    Sys.drainEventFD(timer)
                    sendDue()
                } else {
                    handle(fd, events: batch.flags(at: i))
                }
            }
            dispatchWaiting()
        }
        return OpenLoopGenerator.Outcome(results: results, start: start, lastAnswer: lastAnswer)
    }

    /// Queue every request now due, hand them to connections, arm the timer for the next.
    private mutating func sendDue() {
        let now = Sys.now()
        while next < count, due(next) <= now {
            waiting.append(next)
            next += 1
        }
        dispatchWaiting()
        if next < count { Sys.armTimerFD(timer, at: due(next)) }
    }

    private mutating func dispatchWaiting() {
        while waitingHead < waiting.count {
            let index = waiting[waitingHead]
            if let fd = idle.popLast() {
                waitingHead += 1
                assign(index, to: fd)
            } else if connections.count < maxConnections, let fd = open() {
                waitingHead += 1
                connections[fd]?.request = index  // written once connected
            } else {
                break
            }
        }
        if waitingHead > 4_096, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private mutating func open() -> Int32? {
        guard let fd = try? Sys.socket(family: address.family) else { return nil }
        Sys.setNoDelay(fd)
        let connected: Bool
        do { connected = try Sys.connect(fd, address) } catch {
            Sys.close(fd)
            return nil
        }
        do throws(NetError) { try Sys.epollAdd(epfd, fd: fd, events: Sys.readable | Sys.writable) } catch {
            Sys.close(fd)
            return nil
        }
        connections[fd] = Connection(connected: connected,
                                     parser: HTTPResponseParser(isHeadRequest: isHead, maxHeaderBytes: 65_536, maxBodyBytes: 1 << 24))
        return fd
    }

    private mutating func assign(_ index: Int, to fd: Int32) {
        connections[fd]?.request = index
        connections[fd]?.written = 0
        connections[fd]?.parser = HTTPResponseParser(isHeadRequest: isHead, maxHeaderBytes: 65_536, maxBodyBytes: 1 << 24)
        flush(fd)
    }

    /// Write what is left of the request on `fd`.
    private mutating func flush(_ fd: Int32) {
        guard let connection = connections[fd], connection.connected, connection.request != nil else { return }
        var written = connection.written
        while written < request.count {
            switch Sys.write(fd, request[written...]) {
            case .bytes(let n): written += n
            case .wouldBlock:
                connections[fd]?.written = written
                try? Sys.epollModify(epfd, fd: fd, events: Sys.readable | Sys.writable)
                return
            case .eof, .failed:
                fail(fd)
                return
            }
        }
        connections[fd]?.written = written
        try? Sys.epollModify(epfd, fd: fd, events: Sys.readable)
    }

    private mutating func handle(_ fd: Int32, events: UInt32) {
        guard let connection = connections[fd] else { return }
        if !connection.connected, events & (Sys.writable | Sys.hangup) != 0 {
            guard Sys.socketError(fd) == 0 else { return fail(fd) }
            connections[fd]?.connected = true
            flush(fd)  // a new connection is opened for a request
            return
        }
        if events & Sys.writable != 0 { flush(fd) }
        guard connections[fd] != nil, events & (Sys.readable | Sys.hangup) != 0 else { return }
        while true {
            switch Sys.read(fd, into: &buffer) {
            case .bytes(let n):
                connections[fd]?.parser.append(buffer[0..<n])
                guard parse(fd) else { return }
            case .wouldBlock:
                return
            case .eof, .failed:
                if connections[fd]?.request != nil, case .response(let head, _)? = connections[fd]?.parser.finishOnEOF() {
                    answer(fd, status: head.status)
                }
                fail(fd)
                return
            }
        }
    }

    /// Parse what `fd` received; false when the connection is gone.
    private mutating func parse(_ fd: Int32) -> Bool {
        guard connections[fd]?.request != nil else {
            fail(fd)  // bytes nobody asked for
            return false
        }
        switch connections[fd]?.parser.next() {
        case .response(let head, _)?:
            answer(fd, status: head.status)
            if head.keepAlive {
                idle.append(fd)
                dispatchWaiting()
                return connections[fd] != nil  // handing it the next request may have failed it
            }
            fail(fd)
            return false
        case .failed?:
            fail(fd)
            return false
        case .needMoreData?, nil:
            return true
        }
    }

    private mutating func answer(_ fd: Int32, status: Int) {
        guard let index = connections[fd]?.request else { return }
        let now = Sys.now()
        results[index] = (now &- due(index), (200..<300).contains(status))
        answered += 1
        lastAnswer = max(lastAnswer, now)
        connections[fd]?.request = nil
    }

    /// Close `fd`; its request, if any, gets no answer. Waiting requests get
    /// connections after the event batch (``execute()``), never here: a socket
    /// opened now could take `fd`'s number while a caller still holds it.
    private mutating func fail(_ fd: Int32) {
        if connections[fd]?.request != nil { answered += 1 }
        connections[fd] = nil
        idle.removeAll { $0 == fd }
        Sys.epollRemove(epfd, fd: fd)
        Sys.close(fd)
    }
}
