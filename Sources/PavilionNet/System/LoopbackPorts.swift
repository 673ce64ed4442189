import Glibc

/// Small loopback checks for tools that start servers as child processes
/// (the benchmarks): a free port to hand a child, and whether the child
/// listens yet. Only 127.0.0.1, only TCP.
public enum LoopbackPorts {
    /// A TCP port on 127.0.0.1 that nobody listens on now: bound to port 0,
    /// read back and released (another process may take it before use).
    /// - Throws: ``NetError`` when the socket calls fail.
    public static func free() throws(NetError) -> Int {
        guard let any = SocketAddress(ipLiteral: "127.0.0.1", port: 0) else { throw .system("inet_pton", EINVAL) }
        let fd = try Sys.socket(family: AF_INET)
        defer { Sys.close(fd) }
        try Sys.bind(fd, any)
        return try Sys.localAddress(fd).port
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` now;
    /// waits at most `timeoutMilliseconds` for the handshake.
    public static func isListening(port: Int, timeoutMilliseconds: Int32 = 200) -> Bool {
        guard let address = SocketAddress(ipLiteral: "127.0.0.1", port: port), let fd = try? Sys.socket(family: AF_INET) else {
            return false
        }
        defer { Sys.close(fd) }
        guard let connected = try? Sys.connect(fd, address) else { return false }
        if connected { return true }
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&entry, 1, timeoutMilliseconds) == 1 else { return false }
        return Sys.socketError(fd) == 0
    }
}
