import Foundation

/// An Ed25519 (RFC 8032) signing key held by OpenSSL as an `EVP_PKEY`.
///
/// The seed lives only inside OpenSSL's key object, which cleanses it when
/// the key is freed on `deinit` (`EVP_PKEY_free`); this type keeps no copy.
/// ``seedRepresentation`` hands out a copy for storage, which the caller must
/// wipe (``ConstantTime/wipe(_:)``) once written.
public final class Ed25519PrivateKey: @unchecked Sendable {
    // @unchecked: `key` is set once in `init` and never mutated; OpenSSL 3
    // allows concurrent signing with one immutable EVP_PKEY.
    private let key: OpaquePointer

    /// The length of a seed (and of a raw public key) in bytes.
    public static let seedLength = 32

    /// A fresh key from OpenSSL's key generator (`EVP_PKEY_keygen`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init() throws(CryptoError) {
        key = try OpenSSL.ed25519Generate()
    }

    /// The key whose 32-byte seed is `seed` (`EVP_PKEY_new_raw_private_key`).
    /// - Parameter seed: the private key as RFC 8032 defines it (32 bytes).
    /// - Throws: ``CryptoError`` when the seed is not 32 bytes or OpenSSL fails.
    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Self.seedLength else {
            throw CryptoError(call: "EVP_PKEY_new_raw_private_key",
                              reason: "an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        key = try OpenSSL.ed25519PrivateKey(seed: seed)
    }

    deinit { OpenSSL.freeKey(key) }

    /// A copy of the 32-byte seed (`EVP_PKEY_get_raw_private_key`), for
    /// storing the key. Wipe it when done.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func seedRepresentation() throws(CryptoError) -> [UInt8] {
        try OpenSSL.rawPrivateKey(key)
    }

    /// The matching public key (`EVP_PKEY_get_raw_public_key`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func publicKey() throws(CryptoError) -> Ed25519PublicKey {
        try Ed25519PublicKey(rawRepresentation: OpenSSL.rawPublicKey(key))
    }

    /// The 64-byte Ed25519 signature of `message` (`EVP_DigestSign`).
    /// - Parameter message: the bytes to sign; Ed25519 hashes them itself.
    /// - Returns: the signature, `R || S`.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func signature(for message: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        try OpenSSL.ed25519Sign(key: key, message: message)
    }
}
