/// Owns one OpenSSL `EVP_PKEY`; frees it on `deinit` (`EVP_PKEY_free`, which
/// cleanses the private scalar).
final class PrivateKeyHandle: @unchecked Sendable {
    // @unchecked: set once in `init`, never mutated; OpenSSL 3 allows
    // concurrent signing with one immutable EVP_PKEY.
    let pointer: OpaquePointer

    /// Take ownership of `pointer`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { OpenSSLX509.freeKey(pointer) }

    /// A fresh EC P-256 key.
    static func generateP256() throws(CryptoError) -> PrivateKeyHandle {
        PrivateKeyHandle(owning: try OpenSSLX509.generateP256())
    }

    /// The key in `pem` (PKCS#8 or traditional, unencrypted).
    static func read(pem: String) throws(CryptoError) -> PrivateKeyHandle {
        PrivateKeyHandle(owning: try OpenSSLX509.readPrivateKey(pem: pem))
    }

    /// The key as unencrypted PKCS#8 PEM.
    func pem() throws(CryptoError) -> String { try OpenSSLX509.privateKeyPEM(pointer) }
}
