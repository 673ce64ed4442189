import Foundation

/// The signing contexts of one EC key: `EVP_PKEY_CTX`s set up once for
/// `EVP_PKEY_sign` and lent to one signature at a time.
///
/// An `EVP_PKEY_CTX` may not be used by two threads at once, and setting one
/// up (provider fetch, context allocation, key reference) costs more than
/// hashing the message. So each signature borrows an idle context, or sets
/// up a new one when all are busy, and gives it back afterwards: there are
/// as many contexts as signatures ever ran at the same time, of which at
/// most ``maximumIdle`` are kept. A context whose signature failed is freed,
/// not reused.
final class ECDSASigningContexts: Sendable {
    /// Idle contexts kept beyond this many are freed when given back.
    static let maximumIdle = 16

    private let contexts: OpenSSLContextPool

    init(key: EVPKey) {
        contexts = OpenSSLContextPool(maximumIdle: Self.maximumIdle,
                                      make: { () throws(CryptoError) in try OpenSSLKey.signingContext(key.pointer) },
                                      free: { OpenSSLKey.freeContext($0) })
    }

    /// The raw `r || s` ECDSA signature of `message` hashed with `digest`:
    /// one-shot hash on the stack, `EVP_PKEY_sign` with a borrowed context,
    /// DER decoded straight into the result.
    /// - Parameters:
    ///   - message: the bytes to sign.
    ///   - digest: the hash.
    ///   - width: the curve's coordinate length.
    /// - Returns: `2 * width` bytes.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    func sign(_ message: some ContiguousBytes, digest: DigestAlgorithm, width: Int) throws(CryptoError) -> [UInt8] {
        let context = try contexts.borrow()
        let result: Result<[UInt8], CryptoError> = message.withUnsafeBytes { message in
            // 64 bytes for the largest digest, then room for the DER of a
            // P-384 signature (at most 104 bytes).
            withUnsafeTemporaryAllocation(byteCount: 64 + 128, alignment: 16) { scratch in
                let hashed = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<digest.outputLength])
                let der = UnsafeMutableRawBufferPointer(rebasing: scratch[64...])
                digest.hash(message, into: hashed)
                do throws(CryptoError) {
                    let length = try OpenSSLKey.sign(context: context.pointer, digest: UnsafeRawBufferPointer(hashed), into: der)
                    return .success(try ECDSASignature.rawRepresentation(fromDER: UnsafeRawBufferPointer(rebasing: der[0..<length]),
                                                                          width: width))
                } catch {
                    return .failure(error)
                }
            }
        }
        switch result {
        case .success(let raw):
            contexts.giveBack(context)
            return raw
        case .failure(let error):
            contexts.discard(context)
            throw error
        }
    }
}
