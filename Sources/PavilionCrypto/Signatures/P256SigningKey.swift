/// An ECDSA signing key on NIST P-256 held by OpenSSL as an `EVP_PKEY`,
/// for signing with SHA-256 (JOSE ES256).
///
/// The private scalar lives only inside OpenSSL's key object, freed and
/// cleansed on `deinit`; ``derRepresentation()`` hands out a copy for
/// storage, which the caller must wipe (``ConstantTime/wipe(_:)``).
public final class P256SigningKey: @unchecked Sendable {
    // @unchecked: `key` is set once in `init` and never mutated; OpenSSL 3
    // allows concurrent signing with one immutable EVP_PKEY.
    private let key: OpaquePointer

    /// A fresh key (`EVP_PKEY_generate` on P-256).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init() throws(CryptoError) {
        key = try OpenSSLX509.generateP256()
    }

    /// The key stored as DER by ``derRepresentation()`` (SEC 1
    /// `ECPrivateKey`; PKCS #8 is accepted too), via `d2i_AutoPrivateKey`.
    /// - Parameter derRepresentation: the stored key.
    /// - Throws: ``CryptoError`` when the bytes are not a P-256 private key.
    public init(derRepresentation: [UInt8]) throws(CryptoError) {
        let key = try OpenSSL.privateKey(der: derRepresentation)
        let (type, bits) = OpenSSL.keyTypeAndBits(key)
        guard type == "EC", bits == 256 else {
            OpenSSL.freeKey(key)
            throw CryptoError(call: "d2i_AutoPrivateKey", reason: "expected a P-256 key, got \(type) \(bits)")
        }
        self.key = key
    }

    deinit { OpenSSL.freeKey(key) }

    /// A copy of the private key as DER (`i2d_PrivateKey`). Wipe it when done.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func derRepresentation() throws(CryptoError) -> [UInt8] {
        try OpenSSL.privateKeyDER(key)
    }

    /// The public key as an uncompressed point `0x04 || X || Y` (65 bytes).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func publicKeyRawRepresentation() throws(CryptoError) -> [UInt8] {
        let info = try OpenSSL.publicKeyInfo(key)
        guard info.count == Self.infoPrefix.count + 65, Array(info.prefix(Self.infoPrefix.count)) == Self.infoPrefix else {
            throw CryptoError(call: "i2d_PUBKEY", reason: "unexpected P-256 SubjectPublicKeyInfo of \(info.count) bytes")
        }
        return Array(info.suffix(65))
    }

    /// The DER ECDSA signature of SHA-256(`message`) (`EVP_DigestSign`).
    /// - Parameter message: the bytes to sign, unhashed.
    /// - Returns: `SEQUENCE { INTEGER r, INTEGER s }`.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try OpenSSL.ecdsaSHA256Sign(key: key, message: message)
    }

    /// Whether `signature` (DER) is a valid ECDSA-SHA-256 signature of
    /// `message` under the P-256 public key `publicKey` (`EVP_DigestVerify`).
    /// - Parameters:
    ///   - signature: DER `SEQUENCE { r, s }`.
    ///   - message: the signed bytes.
    ///   - publicKey: the uncompressed point, 65 bytes.
    /// - Returns: `false` for a bad signature or a point OpenSSL rejects.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard publicKey.count == 65, let key = try? OpenSSL.publicKey(info: infoPrefix + publicKey) else { return false }
        defer { OpenSSL.freeKey(key) }
        return (try? OpenSSL.ecdsaSHA256Verify(key: key, signature: signature, message: message)) ?? false
    }

    /// The DER prefix of a P-256 `SubjectPublicKeyInfo` (RFC 5480) before the 65-byte point.
    private static let infoPrefix: [UInt8] = [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                              0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]
}
