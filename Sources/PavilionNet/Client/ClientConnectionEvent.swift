import PavilionCrypto

/// Something that happened to one client connection, for the connection
/// audit log. Delivered on the connection's loop: observers must not block.
public struct ClientConnectionEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        /// TCP connected (and, for `https`, the TLS handshake finished).
        case connected
        /// The connection closed.
        case closed
    }

    /// What happened.
    public var kind: Kind
    /// The endpoint the connection belongs to.
    public var endpoint: Endpoint
    /// A per-client number naming the connection.
    public var connectionID: UInt64
    /// The negotiated TLS version, for `https` (`TLSv1.3`).
    public var tlsVersion: String?
    /// The negotiated TLS cipher, for `https`.
    public var tlsCipher: String?
    /// Whether the TLS handshake resumed an earlier session with the endpoint.
    public var tlsResumed: Bool
    /// Exchanges carried so far (more than 1 means the connection was reused).
    public var exchanges: Int
    /// Why it closed (`closed`), e.g. `idle_timeout`, `max_lifetime`, `peer_closed`, `error: …`.
    public var reason: String?

    /// - Parameters: the fields above.
    public init(kind: Kind, endpoint: Endpoint, connectionID: UInt64, tlsVersion: String? = nil, tlsCipher: String? = nil,
                tlsResumed: Bool = false, exchanges: Int = 0, reason: String? = nil) {
        self.tlsResumed = tlsResumed
        self.kind = kind
        self.endpoint = endpoint
        self.connectionID = connectionID
        self.tlsVersion = tlsVersion
        self.tlsCipher = tlsCipher
        self.exchanges = exchanges
        self.reason = reason
    }
}

/// Per-endpoint pool limits, set with ``HTTPClient/setLimits(_:for:)``;
/// endpoints without limits use the client configuration's.
public struct EndpointPoolLimits: Sendable, Hashable {
    /// Idle keep-alive connections kept for the endpoint on each event loop
    /// (a loop uses only its own).
    public var maxIdle: Int
    /// How long an idle connection is kept.
    public var idleTimeout: Duration
    /// How long a connection may live; an older one is closed instead of
    /// going back to the pool.
    public var maxLifetime: Duration
    /// The longest a TCP connect plus TLS handshake may take (else the
    /// client configuration's `connectTimeout`).
    public var connectTimeout: Duration?

    /// - Parameters: the fields above.
    public init(maxIdle: Int, idleTimeout: Duration, maxLifetime: Duration, connectTimeout: Duration? = nil) {
        self.connectTimeout = connectTimeout
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
        self.maxLifetime = maxLifetime
    }
}
