/// An ECDSA signature, held as fixed-length raw `r || s` (the JOSE form,
/// RFC 7518 §3.4) and convertible to and from DER (`ECDSA-Sig-Value`, the
/// X.509 and OpenSSL form).
public struct ECDSASignature: Sendable, Hashable {
    /// `r || s`, each left-padded to the curve's coordinate length.
    public let rawRepresentation: [UInt8]
    /// The curve the signature belongs to.
    public let curve: ECCurve

    /// A signature from raw `r || s`.
    /// - Parameters:
    ///   - rawRepresentation: exactly twice ``ECCurve/coordinateLength`` bytes.
    ///   - curve: the signing key's curve.
    /// - Throws: ``CryptoError`` when the length is wrong.
    public init(rawRepresentation: [UInt8], curve: ECCurve) throws(CryptoError) {
        guard rawRepresentation.count == 2 * curve.coordinateLength else {
            throw CryptoError(call: "ECDSASignature", reason: "a raw \(curve.rawValue) signature is \(2 * curve.coordinateLength) bytes, got \(rawRepresentation.count)")
        }
        self.rawRepresentation = rawRepresentation
        self.curve = curve
    }

    /// A signature from DER, decoded strictly (definite minimal lengths,
    /// positive minimally encoded integers; see `ECDSASignature+DER.swift`).
    /// - Parameters:
    ///   - derRepresentation: the DER `ECDSA-Sig-Value`, nothing after it.
    ///   - curve: the signing key's curve.
    /// - Throws: ``CryptoError`` when the DER is malformed or `r`/`s` too wide.
    public init(derRepresentation: [UInt8], curve: ECCurve) throws(CryptoError) {
        let decoded = derRepresentation.withUnsafeBytes { der in
            Result { () throws(CryptoError) in try Self.rawRepresentation(fromDER: der, width: curve.coordinateLength) }
        }
        self.rawRepresentation = try decoded.get()
        self.curve = curve
    }

    /// A signature whose raw form was just produced by this module at the
    /// right length (the signing path); no checks.
    init(checkedRaw rawRepresentation: [UInt8], curve: ECCurve) {
        self.rawRepresentation = rawRepresentation
        self.curve = curve
    }

    /// The DER `ECDSA-Sig-Value` (`i2d_ECDSA_SIG`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func derRepresentation() throws(CryptoError) -> [UInt8] {
        try OpenSSLEC.derSignature(fromRaw: rawRepresentation)
    }
}
