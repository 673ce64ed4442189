/// A TLS protocol version this library speaks.
public enum TLSVersion: String, Sendable, Hashable {
    /// TLS 1.2 (RFC 5246).
    case tls12 = "1.2"
    /// TLS 1.3 (RFC 8446).
    case tls13 = "1.3"
}

/// How a TLS endpoint is set up: its role, its certificate, whom it trusts.
///
/// Every configuration speaks TLS 1.2 and 1.3 only, with ECDHE key exchange
/// and AEAD ciphers (AES-GCM, ChaCha20-Poly1305), no compression and no
/// renegotiation; those are not options.
public struct TLSConfiguration: Sendable, Hashable {
    /// Which side of the handshake this endpoint plays.
    public enum Role: Sendable, Hashable {
        /// Accepts connections and presents a certificate.
        case server
        /// Opens connections and verifies the server.
        case client
    }

    /// Where trusted root certificates come from.
    public enum TrustRoots: Sendable, Hashable {
        /// The operating system's store (OpenSSL's default verify paths).
        case system
        /// A PEM file of one or more CA certificates.
        case caFile(String)
    }

    /// The side of the handshake.
    public var role: Role
    /// PEM file with the certificate followed by its intermediates, if any.
    public var certificateChainFile: String?
    /// PEM file with the private key of `certificateChainFile`.
    public var privateKeyFile: String?
    /// Roots used to verify the peer. For servers, only used when
    /// `requireClientCertificate` is set.
    public var trustRoots: TrustRoots
    /// Servers: refuse clients that present no certificate chaining to `trustRoots`.
    public var requireClientCertificate: Bool
    /// Clients: verify the server certificate and its name (on by default; turn
    /// off only in tests).
    public var verifyPeer: Bool
    /// ALPN protocols offered (clients) or accepted (servers); HTTP/1.1 only.
    public var applicationProtocols: [String]
    /// The lowest protocol version accepted (TLS 1.2 unless raised).
    public var minimumVersion: TLSVersion = .tls12

    /// A server configuration.
    /// - Parameters:
    ///   - certificateChainFile: PEM certificate chain, leaf first.
    ///   - privateKeyFile: PEM private key of the leaf.
    ///   - clientCAFile: when given, clients must present a certificate that
    ///     chains to a CA in this PEM file.
    public static func server(certificateChainFile: String, privateKeyFile: String,
                              clientCAFile: String? = nil) -> TLSConfiguration {
        TLSConfiguration(role: .server, certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
                         trustRoots: clientCAFile.map { .caFile($0) } ?? .system,
                         requireClientCertificate: clientCAFile != nil, verifyPeer: clientCAFile != nil,
                         applicationProtocols: ["http/1.1"])
    }

    /// A client configuration.
    /// - Parameters:
    ///   - trustRoots: roots to verify servers against.
    ///   - certificateChainFile: PEM client certificate chain, for mutual TLS.
    ///   - privateKeyFile: PEM private key of the client certificate.
    public static func client(trustRoots: TrustRoots = .system, certificateChainFile: String? = nil,
                              privateKeyFile: String? = nil) -> TLSConfiguration {
        TLSConfiguration(role: .client, certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
                         trustRoots: trustRoots, requireClientCertificate: false, verifyPeer: true,
                         applicationProtocols: ["http/1.1"])
    }
}
