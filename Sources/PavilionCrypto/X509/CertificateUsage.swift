/// What a leaf certificate may be used for (its extendedKeyUsage).
public enum CertificateUsage: String, Sendable, Hashable, CaseIterable {
    /// A TLS server (`serverAuth`).
    case server
    /// A TLS client, for mutual TLS (`clientAuth`).
    case client
    /// Both (`serverAuth, clientAuth`).
    case serverAndClient

    /// The extendedKeyUsage value in OpenSSL's config syntax.
    var extendedKeyUsage: String {
        switch self {
        case .server: return "serverAuth"
        case .client: return "clientAuth"
        case .serverAndClient: return "serverAuth,clientAuth"
        }
    }
}
