import PavilionCrypto

/// Conversions between the two encodings of an ECDSA signature: raw
/// `r || s` (PKCS #11 `CKM_ECDSA`, JWS, COSE) and DER
/// `SEQUENCE { INTEGER r, INTEGER s }` (X.509, OpenSSL), for the curves a
/// ``Signer`` uses. The encoding itself is PavilionCrypto's
/// `ECDSASignature`; this names the curve by the signature's width.
public enum ECDSASignature {
    /// The DER form of a raw signature.
    /// - Parameter raw: `r || s`: 64 bytes for P-256, 96 for P-384.
    /// - Returns: `SEQUENCE { INTEGER r, INTEGER s }`.
    /// - Throws: ``SignerError/Code/malformedInput`` for another length.
    public static func der(fromRaw raw: [UInt8]) throws(SignerError) -> [UInt8] {
        let curve = try curve(width: raw.count / 2, raw.count % 2 == 0)
        do {
            return try PavilionCrypto.ECDSASignature(rawRepresentation: raw, curve: curve).derRepresentation()
        } catch {
            throw SignerError(.malformedInput, reason: "not a raw ECDSA signature: \(error.reason)")
        }
    }

    /// The raw form of a DER signature.
    /// - Parameters:
    ///   - der: `SEQUENCE { INTEGER r, INTEGER s }`.
    ///   - coordinateLength: the width of each half (32 for P-256, 48 for P-384).
    /// - Returns: `r || s`, each left-padded with zeros.
    /// - Throws: ``SignerError/Code/malformedInput`` when `der` is not exactly
    ///   that structure or an integer is too wide.
    public static func raw(fromDER der: [UInt8], coordinateLength: Int) throws(SignerError) -> [UInt8] {
        let curve = try curve(width: coordinateLength, true)
        do {
            return try PavilionCrypto.ECDSASignature(derRepresentation: der, curve: curve).rawRepresentation
        } catch {
            throw SignerError(.malformedInput, reason: "not a DER ECDSA signature: \(error.reason)")
        }
    }

    private static func curve(width: Int, _ even: Bool) throws(SignerError) -> ECCurve {
        guard even, let curve = ECCurve.allCases.first(where: { $0.coordinateLength == width }) else {
            throw SignerError(.malformedInput, reason: "an ECDSA signature here has two halves of 32 (P-256) or 48 (P-384) bytes")
        }
        return curve
    }
}
