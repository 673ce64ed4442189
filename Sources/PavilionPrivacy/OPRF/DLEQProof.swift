import PavilionCrypto

/// A batched discrete-log-equality proof (RFC 9497 §2.2): the challenge
/// `c` and response `s`, serialised as `SerializeScalar(c) || SerializeScalar(s)`.
public struct DLEQProof: Sendable, Equatable {
    /// The suite the scalars belong to.
    public let suite: OPRFSuite
    /// The challenge.
    public let c: ECScalar
    /// The response `r - c·k`.
    public let s: ECScalar

    init(suite: OPRFSuite, c: ECScalar, s: ECScalar) {
        self.suite = suite
        self.c = c
        self.s = s
    }

    /// Decode `c || s`, each `Ns` bytes below the group order.
    /// - Parameters:
    ///   - bytes: `2·Ns` bytes.
    ///   - suite: the suite.
    /// - Throws: ``OPRFError`` `.deserializeError` for a wrong length or a non-canonical scalar.
    public init(serialized bytes: [UInt8], suite: OPRFSuite) throws(OPRFError) {
        let ns = suite.scalarLength
        guard bytes.count == 2 * ns else { throw OPRFError(.deserializeError, "a \(suite.identifier) proof is \(2 * ns) bytes, got \(bytes.count)") }
        let group = try crypto { () throws(CryptoError) in try ECGroup.named(suite.curve) }
        do {
            c = try ECScalar(bigEndian: Array(bytes[0..<ns]), in: group)
            s = try ECScalar(bigEndian: Array(bytes[ns...]), in: group)
        } catch {
            throw OPRFError(.deserializeError, "proof: \(error.description)")
        }
        self.suite = suite
    }

    /// `c || s`, `2·Ns` bytes.
    public var serialized: [UInt8] { c.bigEndianBytes() + s.bigEndianBytes() }
}
