import PavilionCrypto

/// The client of the base OPRF mode (RFC 9497 §3.3.1): it blinds an
/// input, sends the blinded element, and finalises the server's answer
/// into the PRF output. Nothing is verified in this mode.
public struct OPRFClient: Sendable {
    let context: OPRFContext

    /// A client for `suite`.
    /// - Throws: ``OPRFError`` `.cryptoFailure` when OpenSSL cannot build the group.
    public init(suite: OPRFSuite) throws(OPRFError) { context = try OPRFContext(suite: suite, mode: .oprf) }

    /// `Blind(input)` with a fresh random blind.
    /// - Parameter input: the private input, at most 65535 bytes.
    /// - Returns: the state to keep and the element to send.
    /// - Throws: ``OPRFError`` `.invalidInputError` when the input is too long or hashes to the identity.
    public func blind(_ input: [UInt8]) throws(OPRFError) -> OPRFBlindedInput { try context.blind(input, blind: nil) }

    /// `Blind(input)` with a caller-chosen blind: test vectors only.
    func blind(_ input: [UInt8], blind: ECScalar) throws(OPRFError) -> OPRFBlindedInput { try context.blind(input, blind: blind) }

    /// `Finalize(input, blind, evaluatedElement)`.
    /// - Parameters:
    ///   - blinded: the state from ``blind(_:)``.
    ///   - evaluatedElement: the server's answer, `Ne` bytes.
    /// - Returns: the PRF output, `Nh` bytes.
    /// - Throws: ``OPRFError`` `.deserializeError` for a malformed answer.
    public func finalize(_ blinded: OPRFBlindedInput, evaluatedElement: [UInt8]) throws(OPRFError) -> [UInt8] {
        try context.check(blinded)
        return try context.unblindAndHash(blinded, evaluated: try context.deserializeElement(evaluatedElement), info: nil)
    }
}
