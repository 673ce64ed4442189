/// A configured OpenSSL `SSL_CTX`: certificates loaded, versions and ciphers
/// pinned. Build one per listener or per client configuration and share it;
/// each connection is a `TLSConnection` made from it.
///
/// The context is immutable after `init`, and OpenSSL allows creating
/// connections from one context on many threads, so it is `Sendable`.
public final class TLSContext: @unchecked Sendable {
    let handle: OpaquePointer
    /// The configuration this context was built from.
    public let configuration: TLSConfiguration

    /// Build the context (`SSL_CTX_new` and friends).
    /// - Parameter configuration: role, certificate, trust.
    /// - Throws: `CryptoError` naming the OpenSSL call that failed, e.g. a
    ///   missing certificate file in `SSL_CTX_use_certificate_chain_file`.
    public init(configuration: TLSConfiguration) throws(CryptoError) {
        let isServer = configuration.role == .server
        if isServer, configuration.certificateChainFile == nil || configuration.privateKeyFile == nil {
            throw CryptoError(call: "TLSContext.init", reason: "a server needs a certificate chain and a private key")
        }
        let ctx = try OpenSSLTLS.newContext(server: isServer)
        do throws(CryptoError) {
            try OpenSSLTLS.harden(ctx, minimumTLS13: configuration.minimumVersion == .tls13)
            if let chain = configuration.certificateChainFile {
                try OpenSSLTLS.useCertificateChain(ctx, file: chain)
                guard let key = configuration.privateKeyFile else {
                    throw CryptoError(call: "TLSContext.init", reason: "certificate chain given without a private key")
                }
                try OpenSSLTLS.usePrivateKey(ctx, file: key)
            }
            if configuration.verifyPeer || configuration.requireClientCertificate {
                switch configuration.trustRoots {
                case .system: try OpenSSLTLS.loadSystemTrust(ctx)
                case .caFile(let file):
                    try OpenSSLTLS.loadVerifyFile(ctx, file: file)
                    if isServer { try OpenSSLTLS.setClientCAList(ctx, file: file) }
                }
                OpenSSLTLS.setVerifyPeer(ctx, requireCertificate: configuration.requireClientCertificate)
            } else {
                OpenSSLTLS.setVerifyNone(ctx)
            }
            if isServer, configuration.applicationProtocols.contains("http/1.1") {
                OpenSSLTLS.selectHTTP11OnALPN(ctx)
            }
        } catch {
            OpenSSLTLS.freeContext(ctx)
            throw error
        }
        self.handle = ctx
        self.configuration = configuration
    }

    deinit { OpenSSLTLS.freeContext(handle) }
}
