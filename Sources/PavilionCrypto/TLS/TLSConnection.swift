import Foundation

/// What a handshake step achieved.
public enum TLSHandshakeStatus: Sendable, Hashable {
    /// The handshake is done; application data may flow.
    case complete
    /// More ciphertext from the peer is needed (send what `drainCiphertext` gives first).
    case needsMoreData
}

/// Facts about an established TLS session.
public struct TLSSessionInfo: Sendable, Hashable {
    /// The protocol version, e.g. `TLSv1.3`.
    public var version: String
    /// The cipher suite's OpenSSL name, e.g. `TLS_AES_256_GCM_SHA384`.
    public var cipher: String
    /// The ALPN protocol agreed, if any.
    public var applicationProtocol: String?
    /// The peer certificate's subject (RFC 2253), if the peer sent one.
    public var peerSubject: String?

    /// - Parameters: the fields above.
    public init(version: String, cipher: String, applicationProtocol: String?, peerSubject: String?) {
        self.version = version
        self.cipher = cipher
        self.applicationProtocol = applicationProtocol
        self.peerSubject = peerSubject
    }
}

/// One TLS session as a sans-I/O engine over OpenSSL memory BIOs.
///
/// The caller moves bytes: it passes ciphertext received from the network to
/// `feedCiphertext`, sends whatever `drainCiphertext` returns, and reads and
/// writes plaintext. Nothing here touches a socket.
///
/// Not thread-safe: use one connection from one thread at a time (an event
/// loop owns it).
public final class TLSConnection {
    private let ssl: OpaquePointer
    private let rbio: OpaquePointer
    private let wbio: OpaquePointer
    private let context: TLSContext

    /// Start a session (`SSL_new` over two memory BIOs).
    /// - Parameters:
    ///   - context: the configured context (it stays alive as long as the connection).
    ///   - serverName: clients: the host to send as SNI and to check the server
    ///     certificate against (DNS name or IP literal). Ignored by servers.
    ///   - resuming: clients: a session from an earlier connection to the same
    ///     server to offer for resumption (`SSL_set_session`); the server may decline.
    /// - Throws: `CryptoError` from OpenSSL.
    public init(context: TLSContext, serverName: String? = nil, resuming: TLSResumableSession? = nil) throws(CryptoError) {
        let isServer = context.configuration.role == .server
        let parts = try OpenSSLTLS.newConnection(context.handle, server: isServer)
        (ssl, rbio, wbio) = parts
        self.context = context
        do throws(CryptoError) {
            if !isServer {
                if let name = serverName, !name.isEmpty {
                    let isIP = TLSConnection.isIPLiteral(name)
                    if !isIP { try OpenSSLTLS.setServerName(ssl, name) }
                    if context.configuration.verifyPeer {
                        try OpenSSLTLS.setExpectedHost(ssl, name, isIPAddress: isIP)
                    }
                }
                try OpenSSLTLS.offerALPN(ssl, context.configuration.applicationProtocols)
                if let resuming { try OpenSSLTLS.setSession(ssl, resuming.handle) }
            }
        } catch {
            OpenSSLTLS.freeConnection(ssl)
            throw error
        }
    }

    deinit { OpenSSLTLS.freeConnection(ssl) }

    private static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Hand ciphertext received from the peer to the engine (`BIO_write`).
    /// - Parameter ciphertext: bytes exactly as read from the network.
    public func feedCiphertext(_ ciphertext: some ContiguousBytes) {
        ciphertext.withUnsafeBytes { bytes in
            // A memory BIO only fails to grow when memory is exhausted.
            _ = OpenSSLTLS.bioWrite(rbio, bytes)
        }
    }

    /// Whether ciphertext is waiting to be sent.
    public var hasPendingCiphertext: Bool { OpenSSLTLS.bioPending(wbio) > 0 }

    /// Append all ciphertext waiting to be sent to `output` (`BIO_read`).
    public func drainCiphertext(into output: inout [UInt8]) {
        OpenSSLTLS.bioDrain(wbio, appendingTo: &output)
    }

    /// Whether the handshake has finished.
    public var isHandshakeComplete: Bool { OpenSSLTLS.isInitFinished(ssl) }

    /// Advance the handshake with the ciphertext fed so far (`SSL_do_handshake`).
    /// - Returns: whether it completed.
    /// - Throws: `CryptoError` with OpenSSL's reason, including certificate
    ///   verification failures and protocol-version refusals.
    public func handshake() throws(CryptoError) -> TLSHandshakeStatus {
        switch OpenSSLTLS.doHandshake(ssl) {
        case .done: return .complete
        case .wantRead: return .needsMoreData
        case .closed: throw CryptoError(call: "SSL_do_handshake", reason: "peer closed during handshake")
        case .failed(let error): throw error
        }
    }

    /// Decrypt all available plaintext and append it to `output` (`SSL_read`).
    /// - Returns: `true` when the peer sent close_notify.
    /// - Throws: `CryptoError` on a protocol error or bad record.
    public func readPlaintext(into output: inout [UInt8]) throws(CryptoError) -> Bool {
        while true {
            switch OpenSSLTLS.read(ssl, appendingTo: &output, count: 16 * 1024) {
            case .done: continue
            case .wantRead: return false
            case .closed: return true
            case .failed(let error): throw error
            }
        }
    }

    /// Encrypt `plaintext` (`SSL_write`); collect the records with `drainCiphertext`.
    /// - Throws: `CryptoError` when the session is broken or not yet established.
    public func writePlaintext(_ plaintext: some ContiguousBytes) throws(CryptoError) {
        let result: CryptoError? = plaintext.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                switch OpenSSLTLS.write(ssl, rest) {
                case .done(let n): offset += n
                case .wantRead: return CryptoError(call: "SSL_write", reason: "handshake not complete")
                case .closed: return CryptoError(call: "SSL_write", reason: "session closed")
                case .failed(let error): return error
                }
            }
            return nil
        }
        if let result { throw result }
    }

    /// Queue a close_notify alert (`SSL_shutdown`); drain and send it.
    public func close() { OpenSSLTLS.shutdown(ssl) }

    /// Clients: the session to offer when connecting to the same server
    /// again (`SSL_get1_session`), or nil when there is none or it cannot be
    /// resumed. With TLS 1.3 the server sends its ticket after the
    /// handshake, so ask once some application data has been read.
    public var resumableSession: TLSResumableSession? {
        guard let session = OpenSSLTLS.copySession(ssl) else { return nil }
        guard OpenSSLTLS.isResumable(session) else {
            OpenSSLTLS.freeSession(session)
            return nil
        }
        return TLSResumableSession(handle: session)
    }

    /// The base64 SHA-256 of the peer certificate's DER SubjectPublicKeyInfo
    /// (an RFC 7469 SPKI pin), or nil before the handshake or without a certificate.
    public var peerPublicKeyPin: String? {
        OpenSSLTLS.peerPublicKeyInfo(ssl).map { Data(SHA256.hash($0)).base64EncodedString() }
    }

    /// Whether the handshake resumed an earlier session (`SSL_session_reused`).
    public var resumedSession: Bool { OpenSSLTLS.sessionReused(ssl) }

    /// The session's version, cipher, ALPN and peer subject, once established.
    public var sessionInfo: TLSSessionInfo? {
        guard isHandshakeComplete else { return nil }
        return TLSSessionInfo(version: OpenSSLTLS.version(ssl) ?? "unknown", cipher: OpenSSLTLS.cipher(ssl) ?? "unknown",
                              applicationProtocol: OpenSSLTLS.alpn(ssl), peerSubject: OpenSSLTLS.peerSubject(ssl))
    }
}

@available(*, unavailable, message: "a TLSConnection belongs to one thread at a time")
extension TLSConnection: Sendable {}
