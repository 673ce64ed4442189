import PavilionCrypto

/// The RFC 9497 ciphersuites Pavilion implements (§4.3, §4.4).
public enum OPRFSuite: String, Sendable, Hashable, CaseIterable {
    /// `P256-SHA256`: P-256, SHA-256, `P256_XMD:SHA-256_SSWU_RO_`.
    case p256SHA256 = "P256-SHA256"
    /// `P384-SHA384`: P-384, SHA-384, `P384_XMD:SHA-384_SSWU_RO_`.
    case p384SHA384 = "P384-SHA384"

    /// The identifier in the context string, e.g. `P256-SHA256`.
    public var identifier: String { rawValue }

    /// The curve.
    public var curve: ECCurve {
        switch self {
        case .p256SHA256: return .p256
        case .p384SHA384: return .p384
        }
    }

    /// `Hash`, used for `Finalize`, the proof seed and `expand_message_xmd`.
    public var digest: DigestAlgorithm {
        switch self {
        case .p256SHA256: return .sha256
        case .p384SHA384: return .sha384
        }
    }

    /// The RFC 9380 suite behind `HashToGroup`.
    public var hashToCurve: HashToCurveSuite {
        switch self {
        case .p256SHA256: return .p256SHA256
        case .p384SHA384: return .p384SHA384
        }
    }

    /// `Ne`: bytes in a serialised element (compressed SEC1), 33 or 49.
    public var elementLength: Int { 1 + curve.coordinateLength }
    /// `Ns`: bytes in a serialised scalar, 32 or 48.
    public var scalarLength: Int { curve.coordinateLength }
    /// `Nh`: bytes of PRF output, 32 or 48.
    public var outputLength: Int { digest.outputLength }
    /// `L` of `HashToScalar`'s `hash_to_field` mod the order: 48 or 72.
    var hashToScalarLength: Int { hashToCurve.fieldElementHashLength }
}

/// The three protocol variants of RFC 9497 §3.
public enum OPRFMode: UInt8, Sendable, Hashable, CaseIterable {
    /// Base OPRF (`modeOPRF`, 0x00): no proof.
    case oprf = 0x00
    /// Verifiable OPRF (`modeVOPRF`, 0x01): the server proves it used the key behind its public key.
    case voprf = 0x01
    /// Partially oblivious PRF (`modePOPRF`, 0x02): verifiable, with public info bound into the key.
    case poprf = 0x02
}
