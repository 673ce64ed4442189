import PavilionCrypto

/// A client's state between `Blind` and `Finalize` for one input: the
/// private input, the secret blind (wiped when freed) and the blinded
/// element to send. In POPRF mode also the info.
public struct OPRFBlindedInput: Sendable {
    /// The suite.
    public let suite: OPRFSuite
    /// The mode it was blinded for.
    public let mode: OPRFMode
    /// The client's private input.
    public let input: [UInt8]
    /// `SerializeElement(blindedElement)`, `Ne` bytes: what the client sends.
    public let blindedElement: [UInt8]
    let blind: ECScalar
    let blindedPoint: ECPoint
    /// POPRF only: the public info.
    let info: [UInt8]?
}

/// What a verifiable server returns for a batch: the evaluated elements in
/// order and one proof over the whole batch.
public struct OPRFEvaluation: Sendable, Equatable {
    /// `SerializeElement(evaluatedElement)` for each blinded element, `Ne` bytes each.
    public let evaluatedElements: [[UInt8]]
    /// The serialised ``DLEQProof``, `2·Ns` bytes.
    public let proof: [UInt8]

    /// The parts as received from a server.
    public init(evaluatedElements: [[UInt8]], proof: [UInt8]) {
        self.evaluatedElements = evaluatedElements
        self.proof = proof
    }
}

extension OPRFContext {
    /// `Blind(input)` with a given blind (random when nil); POPRF passes its info along.
    func blind(_ input: [UInt8], blind: ECScalar?, info: [UInt8]? = nil) throws(OPRFError) -> OPRFBlindedInput {
        _ = try Self.lengthPrefixed(input, "the input")
        let r: ECScalar
        if let blind { r = blind } else { r = try crypto { () throws(CryptoError) in try ECScalar.random(in: group) } }
        guard !r.isZero, r.group == group else { throw OPRFError(.invalidInputError, "the blind must be a non-zero \(suite.identifier) scalar") }
        let inputElement = try hashToGroup(input)
        guard !inputElement.isIdentity else { throw OPRFError(.invalidInputError, "the input hashes to the identity") }
        let blinded = try crypto { () throws(CryptoError) in try inputElement.multiplied(by: r) }
        return OPRFBlindedInput(suite: suite, mode: mode, input: input, blindedElement: try serialize(blinded),
                                blind: r, blindedPoint: blinded, info: info)
    }

    /// `N = blind⁻¹ · evaluatedElement`, then the `Finalize` hash.
    func unblindAndHash(_ blinded: OPRFBlindedInput, evaluated: ECPoint, info: [UInt8]?) throws(OPRFError) -> [UInt8] {
        let n = try crypto { () throws(CryptoError) in try evaluated.multiplied(by: blinded.blind.inverted()) }
        return try finalizeHash(input: blinded.input, info: info, element: n)
    }

    /// Refuse client state from another suite or mode.
    func check(_ blinded: OPRFBlindedInput) throws(OPRFError) {
        guard blinded.suite == suite, blinded.mode == mode else {
            throw OPRFError(.suiteMismatch, "state blinded for \(blinded.suite.identifier) mode \(blinded.mode.rawValue), used with \(suite.identifier) mode \(mode.rawValue)")
        }
    }
}
