import PavilionCrypto

/// Where and how an `HTTPServer` listens, and the limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind, an IP literal (default `127.0.0.1`).
    public var host: String
    /// The port; 0 picks an ephemeral one (read it back from `HTTPServer.port`).
    public var port: Int
    /// TLS for this listener; nil serves plain HTTP.
    public var tls: TLSConfiguration?
    /// Request size limits (414, 431, 413).
    public var limits: HTTPRequestLimits
    /// Time from a connection's start (or a request's first byte) to a complete
    /// header section, TLS handshake included; then 408 and close. Default 10 s.
    public var headerTimeout: Duration
    /// How long a keep-alive connection may sit idle between requests. Default 60 s.
    public var idleTimeout: Duration
    /// The longest gap between two reads of a body; then 408 and close. Default 10 s.
    public var bodyProgressTimeout: Duration
    /// How long a handler may take; then 504 and close. Default 30 s.
    public var requestTimeout: Duration
    /// The longest gap in draining a response to a slow reader; then close. Default 30 s.
    public var writeTimeout: Duration
    /// Connections held at most; further ones are closed on accept. Default 50,000.
    public var maxConnections: Int
    /// The listen backlog. Default 4,096.
    public var backlog: Int32

    /// - Parameters: the fields above, with their defaults.
    public init(host: String = "127.0.0.1", port: Int = 0, tls: TLSConfiguration? = nil,
                limits: HTTPRequestLimits = HTTPRequestLimits(), headerTimeout: Duration = .seconds(10),
                idleTimeout: Duration = .seconds(60), bodyProgressTimeout: Duration = .seconds(10),
                requestTimeout: Duration = .seconds(30), writeTimeout: Duration = .seconds(30),
                maxConnections: Int = 50_000, backlog: Int32 = 4096) {
        self.host = host
        self.port = port
        self.tls = tls
        self.limits = limits
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyProgressTimeout = bodyProgressTimeout
        self.requestTimeout = requestTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        self.backlog = backlog
    }
}

/// Why a server could not start.
public enum HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed (socket, bind, listen, epoll).
    case system(NetError)
    /// The TLS configuration could not be loaded.
    case tls(CryptoError)
    /// `start` was called twice, or after `shutdown`.
    case invalidState(String)

    public var description: String {
        switch self {
        case .system(let e): return "system: \(e)"
        case .tls(let e): return "tls: \(e)"
        case .invalidState(let s): return "invalid state: \(s)"
        }
    }
}

extension Duration {
    /// Whole nanoseconds (negative durations count as zero).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
