import PavilionCrypto

/// One suite in one mode: the context string of RFC 9497 §3.2 and the
/// suite's `HashToGroup`, `HashToScalar`, serialisation and `Finalize` hash.
struct OPRFContext: Sendable {
    let suite: OPRFSuite
    let mode: OPRFMode
    let group: ECGroup
    /// `"OPRFV1-" || I2OSP(mode, 1) || "-" || identifier`.
    let contextString: [UInt8]

    init(suite: OPRFSuite, mode: OPRFMode) throws(OPRFError) {
        self.suite = suite
        self.mode = mode
        group = try crypto { () throws(CryptoError) in try ECGroup.named(suite.curve) }
        contextString = Array("OPRFV1-".utf8) + [mode.rawValue] + Array("-".utf8) + Array(suite.identifier.utf8)
    }

    /// `HashToGroup(x)`: `hash_to_curve` with `DST = "HashToGroup-" || contextString`.
    func hashToGroup(_ input: [UInt8]) throws(OPRFError) -> ECPoint {
        let dst = Array("HashToGroup-".utf8) + contextString
        return try hashing { () throws(HashToCurveError) in try suite.hashToCurve.hashToCurve(input, dst: dst) }
    }

    /// `HashToScalar(x, DST)`: `hash_to_field` mod the group order with
    /// `expand_message_xmd`; `DST = "HashToScalar-" || contextString` unless given.
    func hashToScalar(_ input: [UInt8], dst: [UInt8]? = nil) throws(OPRFError) -> ECScalar {
        let tag = dst ?? Array("HashToScalar-".utf8) + contextString
        let uniform = try hashing { () throws(HashToCurveError) in
            try ExpandMessageXMD.expand(input, dst: tag, length: suite.hashToScalarLength, digest: suite.digest)
        }
        return try crypto { () throws(CryptoError) in try ECScalar(reducing: uniform, in: group) }
    }

    /// `SerializeElement`: compressed SEC1, `Ne` bytes.
    func serialize(_ element: ECPoint) throws(OPRFError) -> [UInt8] {
        guard !element.isIdentity else { throw OPRFError(.invalidInputError, "the identity element cannot be serialised") }
        return try crypto { () throws(CryptoError) in try element.sec1(compressed: true) }
    }

    /// `DeserializeElement`: exactly `Ne` bytes of compressed SEC1, on the
    /// curve, not the identity (partial public-key validation).
    func deserializeElement(_ bytes: [UInt8]) throws(OPRFError) -> ECPoint {
        guard bytes.count == suite.elementLength, bytes.first == 0x02 || bytes.first == 0x03 else {
            throw OPRFError(.deserializeError, "a \(suite.identifier) element is \(suite.elementLength) bytes of compressed SEC1, got \(bytes.count)")
        }
        do { return try ECPoint(sec1: bytes, in: group) } catch { throw OPRFError(.deserializeError, error.description) }
    }

    /// `DeserializeScalar`: exactly `Ns` big-endian bytes below the order.
    func deserializeScalar(_ bytes: [UInt8]) throws(OPRFError) -> ECScalar {
        do { return try ECScalar(bigEndian: bytes, in: group) } catch { throw OPRFError(.deserializeError, error.description) }
    }

    /// `I2OSP(len(x), 2) || x`.
    static func lengthPrefixed(_ bytes: [UInt8], _ what: String) throws(OPRFError) -> [UInt8] {
        guard bytes.count <= 0xFFFF else { throw OPRFError(.invalidInputError, "\(what) is \(bytes.count) bytes; at most 65535") }
        return [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
    }

    /// `Hash(I2OSP(len(input), 2) || input [|| I2OSP(len(info), 2) || info]
    /// || I2OSP(len(unblinded), 2) || unblinded || "Finalize")`; info only in POPRF.
    func finalizeHash(input: [UInt8], info: [UInt8]?, element: ECPoint) throws(OPRFError) -> [UInt8] {
        var hashInput = try Self.lengthPrefixed(input, "the input")
        if let info { hashInput += try Self.lengthPrefixed(info, "the info") }
        hashInput += try Self.lengthPrefixed(try serialize(element), "the element")
        hashInput += Array("Finalize".utf8)
        return suite.digest.hash(hashInput)
    }

    /// `"Info" || I2OSP(len(info), 2) || info`, hashed to the POPRF tweak `m`.
    func infoScalar(_ info: [UInt8]) throws(OPRFError) -> ECScalar {
        try hashToScalar(Array("Info".utf8) + Self.lengthPrefixed(info, "the info"))
    }

    /// `DeriveKeyPair(seed, info)` (RFC 9497 §3.2.1).
    func deriveKeyPair(seed: [UInt8], info: [UInt8]) throws(OPRFError) -> ECScalar {
        var deriveInput = seed + (try Self.lengthPrefixed(info, "the key info"))
        defer { ConstantTime.wipe(&deriveInput) }
        let dst = Array("DeriveKeyPair".utf8) + contextString
        for counter in 0...255 {
            var attempt = deriveInput + [UInt8(counter)]
            defer { ConstantTime.wipe(&attempt) }
            let sk = try hashToScalar(attempt, dst: dst)
            if !sk.isZero { return sk }
        }
        throw OPRFError(.deriveKeyPairError, "no non-zero scalar in 256 attempts")
    }
}
