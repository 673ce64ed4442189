import PavilionCrypto

/// The secret opening of a ``PedersenCommitment``: the value and the blinding.
public struct PedersenOpening: Sendable, Equatable {
    /// `v`.
    public let value: ECScalar
    /// `r`.
    public let blinding: ECScalar

    /// An opening `(v, r)`.
    public init(value: ECScalar, blinding: ECScalar) {
        self.value = value
        self.blinding = blinding
    }

    /// The opening of the sum of two commitments: `(v1 + v2, r1 + r2)`.
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public func adding(_ other: PedersenOpening) throws(ZKError) -> PedersenOpening {
        try ZKError.wrap {
            PedersenOpening(value: try value.adding(other.value), blinding: try blinding.adding(other.blinding))
        }
    }
}

/// A Pedersen commitment `C = v·G + r·H` (``ZKParameters``): perfectly
/// hiding, and binding as long as `log_G(H)` is unknown. Additively
/// homomorphic: `C1 + C2` commits to `v1 + v2` with blinding `r1 + r2`.
/// Serialised as the compressed point, 33 bytes.
public struct PedersenCommitment: Sendable, Equatable {
    /// `C`.
    public let point: ECPoint

    /// Wrap a point received from elsewhere.
    public init(point: ECPoint) { self.point = point }

    /// Commit to `opening`: `v·G + r·H` (constant-time multiplications).
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public init(opening: PedersenOpening, parameters: ZKParameters) throws(ZKError) {
        point = try ZKError.wrap {
            try parameters.group.generatorMultiplied(by: opening.value).adding(parameters.h.multiplied(by: opening.blinding))
        }
    }

    /// Commit to `value` with a fresh random blinding.
    /// - Parameters:
    ///   - value: `v`.
    ///   - parameters: the generators.
    /// - Returns: the commitment and its opening.
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public static func commit(_ value: ECScalar,
                              parameters: ZKParameters) throws(ZKError) -> (PedersenCommitment, PedersenOpening) {
        let blinding = try ZKError.wrap { try ECScalar.random(in: parameters.group) }
        let opening = PedersenOpening(value: value, blinding: blinding)
        return (try PedersenCommitment(opening: opening, parameters: parameters), opening)
    }

    /// Commit to a small integer with a fresh random blinding.
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public static func commit(_ value: UInt64,
                              parameters: ZKParameters) throws(ZKError) -> (PedersenCommitment, PedersenOpening) {
        try commit(try ZKError.wrap { try ECScalar(value, in: parameters.group) }, parameters: parameters)
    }

    /// Check an opening.
    /// - Throws: ``ZKError`` `.openingMismatch` when `v·G + r·H ≠ C`.
    public func verify(opening: PedersenOpening, parameters: ZKParameters) throws(ZKError) {
        guard try PedersenCommitment(opening: opening, parameters: parameters) == self else {
            throw ZKError(.openingMismatch, "v·G + r·H ≠ C")
        }
    }

    /// `C1 + C2`, a commitment to `v1 + v2`.
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public func adding(_ other: PedersenCommitment) throws(ZKError) -> PedersenCommitment {
        PedersenCommitment(point: try ZKError.wrap { try point.adding(other.point) })
    }

    /// `C − t·G`, a commitment to `v − t` with the same blinding.
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public func subtracting(value: ECScalar, parameters: ZKParameters) throws(ZKError) -> PedersenCommitment {
        PedersenCommitment(point: try ZKError.wrap {
            try point.adding(parameters.group.generatorMultiplied(by: value).negated())
        })
    }

    /// The compressed point, 33 bytes.
    /// - Throws: ``ZKError`` `.cryptoFailure` for the identity.
    public func serialized() throws(ZKError) -> [UInt8] {
        try ZKError.wrap { try point.sec1() }
    }

    /// Decode a compressed point.
    /// - Throws: ``ZKError`` `.invalidEncoding`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "Pedersen commitment")
        point = try reader.point()
        try reader.finish()
    }
}
