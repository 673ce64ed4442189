import Foundation
internal import COpenSSL

/// Thin internal wrappers over the `ECDSA_SIG` calls that encode a raw
/// `r || s` signature as DER (decoding is ours, in
/// `ECDSASignature+DER.swift`). `ECDSA_SIG` and `BIGNUM` handles never leave
/// these functions.
enum OpenSSLEC {
    /// The DER `ECDSA-Sig-Value` of raw `r || s` (`BN_bin2bn`,
    /// `ECDSA_SIG_set0`, `i2d_ECDSA_SIG`).
    static func derSignature(fromRaw raw: [UInt8]) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        let half = raw.count / 2
        guard raw.count % 2 == 0, half > 0 else {
            throw CryptoError(call: "ECDSA_SIG_set0", reason: "a raw signature has an even, non-zero length, got \(raw.count)")
        }
        guard let sig = ECDSA_SIG_new() else { throw OpenSSL.fail("ECDSA_SIG_new") }
        defer { ECDSA_SIG_free(sig) }
        let numbers: (OpaquePointer?, OpaquePointer?) = raw.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return (nil, nil) }
            return (BN_bin2bn(base, Int32(half), nil), BN_bin2bn(base + half, Int32(half), nil))
        }
        guard let r = numbers.0, let s = numbers.1 else {
            BN_free(numbers.0)
            BN_free(numbers.1)
            throw OpenSSL.fail("BN_bin2bn")
        }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else {  // on success `sig` owns r and s
            BN_free(r)
            BN_free(s)
            throw OpenSSL.fail("ECDSA_SIG_set0")
        }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_ECDSA_SIG(sig, &out)
        guard length > 0, let out else { throw OpenSSL.fail("i2d_ECDSA_SIG") }
        defer { pv_OPENSSL_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }
}
