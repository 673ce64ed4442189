/// The seam through which the log signs tree heads and receipts, wherever the
/// key lives.
///
/// PavilionPrivacy depends only on PavilionCore and PavilionCrypto, so it
/// cannot see `PavilionHSM.Signer`; the shapes match on purpose (JOSE
/// algorithm names, JOSE signature form). An adapter lives in a module that
/// sees both:
///
/// ```swift
/// struct HSMLogSigner: LogSigner {
///     let signer: any Signer
///     let publicKey: LogPublicKey  // LogPublicKey(algorithm: .init(rawValue: signer.algorithm.rawValue),
///                                  //   rawRepresentation: <raw key of signer.publicKey>, keyID: signer.keyID)
///     func sign(_ message: [UInt8]) throws(LogSigningError) -> [UInt8] {
///         do { return try signer.sign(message) } catch { throw LogSigningError("\(error)") }
///     }
/// }
/// ```
///
/// ``Ed25519LogSigner`` is the software implementation for tests and tools.
///
/// Thread line: implementations are safe to call from many threads at once.
public protocol LogSigner: Sendable {
    /// The public key verifiers need, with its algorithm and key ID.
    var publicKey: LogPublicKey { get }
    /// Sign `message`.
    /// - Parameter message: the bytes to sign, unhashed.
    /// - Returns: the signature in JOSE form: 64 bytes Ed25519, or raw `r || s` for ES256.
    /// - Throws: ``LogSigningError`` when the key store or HSM fails.
    func sign(_ message: [UInt8]) throws(LogSigningError) -> [UInt8]
}

/// A signer failed to sign.
public struct LogSigningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, for people.
    public let reason: String
    /// An error saying `reason`.
    /// - Parameter reason: what failed.
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "signing failed: \(reason)" }
}
