import PavilionCrypto

/// A server's public key `pkS = skS·G` (VOPRF and POPRF clients verify against it).
public struct OPRFPublicKey: Sendable, Equatable {
    /// The suite.
    public let suite: OPRFSuite
    let element: ECPoint
    /// `SerializeElement(pkS)`: `Ne` bytes of compressed SEC1.
    public let serialized: [UInt8]

    init(suite: OPRFSuite, element: ECPoint) throws(OPRFError) {
        self.suite = suite
        self.element = element
        serialized = try crypto { () throws(CryptoError) in try element.sec1(compressed: true) }
    }

    /// Decode `SerializeElement(pkS)`.
    /// - Parameters:
    ///   - bytes: `Ne` bytes of compressed SEC1.
    ///   - suite: the suite.
    /// - Throws: ``OPRFError`` `.deserializeError` for a malformed, off-curve or identity point.
    public init(serialized bytes: [UInt8], suite: OPRFSuite) throws(OPRFError) {
        // The mode does not affect element encoding.
        let context = try OPRFContext(suite: suite, mode: .oprf)
        try self.init(suite: suite, element: try context.deserializeElement(bytes))
    }

    /// Equal when the suites and encodings are.
    public static func == (lhs: OPRFPublicKey, rhs: OPRFPublicKey) -> Bool {
        lhs.suite == rhs.suite && lhs.serialized == rhs.serialized
    }
}
