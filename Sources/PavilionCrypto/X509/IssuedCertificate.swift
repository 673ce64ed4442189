/// A certificate and its freshly generated private key, both as PEM.
///
/// `privateKeyPEM` is a secret: write it with ``PEMFile/write(_:to:mode:)``
/// (mode 0600) and drop the value. Swift cannot wipe a `String`; the
/// buffers OpenSSL and this module used to produce it are wiped.
public struct IssuedCertificate: Sendable {
    /// The certificate (`-----BEGIN CERTIFICATE-----`).
    public var certificatePEM: String
    /// The EC P-256 private key as unencrypted PKCS#8 (`-----BEGIN PRIVATE KEY-----`).
    public var privateKeyPEM: String

    /// - Parameters:
    ///   - certificatePEM: the certificate.
    ///   - privateKeyPEM: its private key.
    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}
