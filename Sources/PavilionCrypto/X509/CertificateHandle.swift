/// Owns one OpenSSL `X509`; frees it on `deinit` (`X509_free`).
final class CertificateHandle: @unchecked Sendable {
    // @unchecked: not mutated after issuance or parsing; OpenSSL allows
    // concurrent reads of an X509 object.
    let pointer: OpaquePointer

    /// Take ownership of `pointer`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { OpenSSLX509.freeCertificate(pointer) }

    /// The first certificate in `pem`.
    static func read(pem: String) throws(CryptoError) -> CertificateHandle {
        CertificateHandle(owning: try OpenSSLX509.readCertificate(pem: pem))
    }

    /// The certificate as PEM.
    func pem() throws(CryptoError) -> String { try OpenSSLX509.certificatePEM(pointer) }
}
