import PavilionCrypto

/// Where a request goes: scheme, host and port.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public enum Scheme: String, Sendable, Hashable {
        case http
        case https
    }

    /// The scheme.
    public var scheme: Scheme
    /// A DNS name or IP literal; also the name checked against the server certificate.
    public var host: String
    /// The TCP port.
    public var port: Int

    /// - Parameters: the fields above; `port` defaults to 80 or 443.
    public init(scheme: Scheme, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? (scheme == .https ? 443 : 80)
    }

    public var description: String { "\(scheme.rawValue)://\(host):\(port)" }
}

/// A request to send.
public struct HTTPClientRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The origin-form target, e.g. `/v1/match?x=1`.
    public var target: String
    /// Header fields; `host`, `content-length` and `connection` are set by the client.
    public var headers: HTTPHeaders
    /// The body.
    public var body: [UInt8]

    /// - Parameters: the fields above.
    public init(method: String = "GET", target: String = "/", headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}

/// A response received.
public struct HTTPClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields in order.
    public var headers: HTTPHeaders
    /// The body, de-chunked.
    public var body: [UInt8]
}

/// Why an exchange failed. Equal by code.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable {
        /// The server refused the TCP connection.
        case connectRefused = "connect_refused"
        /// The connect timeout or the exchange deadline passed.
        case timeout
        /// The TLS handshake or a record failed (reason from OpenSSL).
        case tls
        /// The response broke HTTP/1.1 framing or syntax.
        case protocolError = "protocol_error"
        /// The response exceeded the configured size cap.
        case responseTooLarge = "response_too_large"
        /// The connection was reset or closed before the response was complete.
        case connectionReset = "connection_reset"
        /// The host name did not resolve, or another system call failed.
        case system
        /// The request could not be serialised (bad method or header).
        case invalidRequest = "invalid_request"
        /// The client was shut down.
        case shutdown
    }

    /// The code.
    public var code: Code
    /// Details for humans and logs.
    public var reason: String
    /// Where the error was made.
    public var file: String
    /// Where the error was made.
    public var line: Int
    /// A reused connection failed before the request could have been processed: retry on a fresh one.
    var retryable = false

    /// - Parameters: code and reason; file and line default to the caller.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }
    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// Client settings.
public struct HTTPClientConfiguration: Sendable {
    /// TLS for `https` endpoints (trust roots, client certificate). Default: system roots.
    public var tls: TLSConfiguration
    /// The longest a TCP connect plus TLS handshake may take. Default 5 s.
    public var connectTimeout: Duration
    /// The largest response (head plus body). Default 4 MiB.
    public var maxResponseBytes: Int
    /// Idle keep-alive connections kept per endpoint on each event loop. Default 16.
    public var maxIdlePerEndpoint: Int
    /// How long an idle connection is kept. Default 30 s.
    public var idleTimeout: Duration
    /// Host name → the IP address to connect to instead of asking DNS, as
    /// curl's `--resolve`: the name is still the one sent in SNI and checked
    /// against the certificate. For egress pinning and split-horizon names.
    public var addressOverrides: [String: String]
    /// Called on the connection's loop when a connection connects or closes
    /// (the connection audit log). Must not block. Default none.
    public var connectionEvents: (@Sendable (ClientConnectionEvent) -> Void)?
    /// RFC 7469 pins: base64 SHA-256 of a SubjectPublicKeyInfo. When not
    /// empty, an `https` server whose certificate key matches none is
    /// refused (`.tls`) after the handshake, before any request byte. Default none.
    public var spkiPins: Set<String> = []

    /// - Parameters: the fields above, with their defaults.
    public init(tls: TLSConfiguration = .client(), connectTimeout: Duration = .seconds(5),
                maxResponseBytes: Int = 4 * 1024 * 1024, maxIdlePerEndpoint: Int = 16, idleTimeout: Duration = .seconds(30),
                addressOverrides: [String: String] = [:],
                connectionEvents: (@Sendable (ClientConnectionEvent) -> Void)? = nil) {
        self.addressOverrides = addressOverrides
        self.connectionEvents = connectionEvents
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
        self.idleTimeout = idleTimeout
    }
}
