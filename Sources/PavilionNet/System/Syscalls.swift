import Glibc
internal import CLinux

/// Thin internal wrappers over every system call PavilionNet makes. Raw
/// pointers stay inside these functions; callers see file descriptors,
/// byte arrays and `NetError`.
enum Sys {
    /// Result of a non-blocking read or write.
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case eof
        case failed(Int32)
    }

    // MARK: Sockets

    static func socket(family: Int32) throws(NetError) -> Int32 {
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket") }
        return fd
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) throws(NetError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else { throw .system("setsockopt") }
    }

    static func setNoDelay(_ fd: Int32) { try? setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1) }

    static func bind(_ fd: Int32, _ address: SocketAddress) throws(NetError) {
        let rc = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { throw .system("bind") }
    }

    static func listen(_ fd: Int32, backlog: Int32) throws(NetError) {
        guard Glibc.listen(fd, backlog) == 0 else { throw .system("listen") }
    }

    /// Accept one connection, non-blocking and close-on-exec; nil when none is waiting.
    static func accept(_ fd: Int32) throws(NetError) -> (Int32, SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            }
        }
        if client < 0 {
            let e = Glibc.errno
            if e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ECONNABORTED { return nil }
            throw .system("accept4", e)
        }
        return (client, SocketAddress(storage: storage, length: length))
    }

    /// Start a non-blocking connect; `true` when already connected.
    static func connect(_ fd: Int32, _ address: SocketAddress) throws(NetError) -> Bool {
        let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if rc == 0 { return true }
        let e = Glibc.errno
        if e == EINPROGRESS || e == EINTR { return false }
        throw .system("connect", e)
    }

    /// The pending error of a socket (`SO_ERROR`), 0 when none.
    static func socketError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return Glibc.errno }
        return value
    }

    static func localAddress(_ fd: Int32) throws(NetError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw .system("getsockname") }
        return SocketAddress(storage: storage, length: length)
    }

    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> IOResult {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return .bytes(n) }
            if n == 0 { return .eof }
            let e = Glibc.errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }

    static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> IOResult {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { return .bytes(n) }
            let e = Glibc.errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Resolve `host` to socket addresses (`getaddrinfo`; may block on DNS).
    static func resolve(host: String, port: Int) throws(NetError) -> [SocketAddress] {
        if let literal = SocketAddress(ipLiteral: host, port: port) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw NetError(call: "getaddrinfo", errno: rc, reason: "\(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        var out: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let addr = info.pointee.ai_addr {
                var storage = sockaddr_storage()
                let length = info.pointee.ai_addrlen
                withUnsafeMutableBytes(of: &storage) { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(length)))
                }
                out.append(SocketAddress(storage: storage, length: length))
            }
            cursor = info.pointee.ai_next
        }
        return out
    }

    // MARK: epoll and eventfd

    static let readable = EPOLLIN.rawValue
    static let writable = EPOLLOUT.rawValue
    static let hangup = EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue

    static func epollCreate() throws(NetError) -> Int32 {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw .system("epoll_create1") }
        return fd
    }

    static func epollControl(_ epfd: Int32, _ op: Int32, fd: Int32, events: UInt32) throws(NetError) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        guard epoll_ctl(epfd, op, fd, &event) == 0 else { throw .system("epoll_ctl") }
    }

    static func epollAdd(_ epfd: Int32, fd: Int32, events: UInt32) throws(NetError) {
        try epollControl(epfd, EPOLL_CTL_ADD, fd: fd, events: events)
    }

    static func epollModify(_ epfd: Int32, fd: Int32, events: UInt32) throws(NetError) {
        try epollControl(epfd, EPOLL_CTL_MOD, fd: fd, events: events)
    }

    static func epollRemove(_ epfd: Int32, fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event)
    }

    /// A reusable buffer of epoll events.
    struct EventBatch {
        fileprivate var events: [epoll_event]
        fileprivate(set) var count = 0
        init(capacity: Int) { events = [epoll_event](repeating: epoll_event(), count: capacity) }
        func fd(at index: Int) -> Int32 { events[index].data.fd }
        func flags(at index: Int) -> UInt32 { events[index].events }
    }

    /// Wait for events (`epoll_wait`), filling `batch`.
    static func epollWait(_ epfd: Int32, into batch: inout EventBatch, timeoutMilliseconds: Int32) {
        let n = batch.events.withUnsafeMutableBufferPointer {
            epoll_wait(epfd, $0.baseAddress, Int32($0.count), timeoutMilliseconds)
        }
        batch.count = max(0, Int(n))
    }

    static func eventFD() throws(NetError) -> Int32 {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard fd >= 0 else { throw .system("eventfd") }
        return fd
    }

    static func signalEventFD(_ fd: Int32) {
        var one: UInt64 = 1
        _ = Glibc.write(fd, &one, 8)
    }

    static func drainEventFD(_ fd: Int32) {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
    }

    /// A non-blocking monotonic timer (`timerfd_create`); readable once it fires.
    static func timerFD() throws(NetError) -> Int32 {
        let fd = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK) | Int32(TFD_CLOEXEC))
        guard fd >= 0 else { throw .system("timerfd_create") }
        return fd
    }

    /// Make the timer fire once at `deadline` (monotonic ns, as ``now()``); at once when it has passed.
    static func armTimerFD(_ fd: Int32, at deadline: UInt64) {
        var spec = itimerspec()
        let due = max(deadline, 1)
        spec.it_value = timespec(tv_sec: Int(due / 1_000_000_000), tv_nsec: Int(due % 1_000_000_000))
        _ = timerfd_settime(fd, Int32(TFD_TIMER_ABSTIME), &spec, nil)
    }

    /// Monotonic nanoseconds (`CLOCK_MONOTONIC`).
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    // MARK: Limits

    /// Raise the soft `RLIMIT_NOFILE` towards `wanted` (capped by the hard limit).
    /// - Returns: the soft limit now in force.
    static func raiseOpenFileLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let target = min(rlim_t(wanted), limit.rlim_max)
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
