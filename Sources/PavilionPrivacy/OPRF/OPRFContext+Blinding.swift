import PavilionCrypto

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
