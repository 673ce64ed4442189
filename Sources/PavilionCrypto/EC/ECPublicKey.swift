/// An EC public key on P-256 or P-384, held by OpenSSL as an `EVP_PKEY`.
///
/// Every way in checks the point (`EVP_PKEY_public_check`: on the curve, not
/// the point at infinity), so ECDH with a key of this type is safe against
/// invalid-curve points.
public final class ECPublicKey: @unchecked Sendable, Hashable {
    // @unchecked: immutable after `init`; see ``EVPKey``.
    let key: EVPKey
    /// The curve.
    public let curve: ECCurve
    /// The uncompressed SEC 1 point, `0x04 || x || y`.
    public let rawRepresentation: [UInt8]

    /// A key from its uncompressed SEC 1 point (`EVP_PKEY_fromdata`).
    /// - Parameters:
    ///   - rawRepresentation: `0x04 || x || y`, each coordinate the curve's length.
    ///   - curve: the curve.
    /// - Throws: ``CryptoError`` when the encoding is wrong or the point is not on the curve.
    public init(rawRepresentation: [UInt8], curve: ECCurve) throws(CryptoError) {
        guard rawRepresentation.count == 1 + 2 * curve.coordinateLength, rawRepresentation.first == 0x04 else {
            throw CryptoError(call: "ECPublicKey", reason: "an uncompressed \(curve.rawValue) point is 0x04 and \(2 * curve.coordinateLength) bytes")
        }
        let pointer = try OpenSSLKey.fromData(algorithm: "EC", selection: .publicKey,
                                              parameters: [.utf8("group", curve.rawValue), .octets("pub", rawRepresentation)])
        key = EVPKey(owning: pointer)
        try OpenSSLKey.checkPublic(pointer)
        self.curve = curve
        self.rawRepresentation = rawRepresentation
    }

    /// A key from its affine coordinates, as a JWK carries them.
    /// - Parameters:
    ///   - x: the x-coordinate, exactly the curve's coordinate length.
    ///   - y: the y-coordinate, exactly the curve's coordinate length.
    ///   - curve: the curve.
    /// - Throws: ``CryptoError`` when a length is wrong or the point is not on the curve.
    public convenience init(x: [UInt8], y: [UInt8], curve: ECCurve) throws(CryptoError) {
        guard x.count == curve.coordinateLength, y.count == curve.coordinateLength else {
            throw CryptoError(call: "ECPublicKey", reason: "\(curve.rawValue) coordinates are \(curve.coordinateLength) bytes, got \(x.count) and \(y.count)")
        }
        try self.init(rawRepresentation: [0x04] + x + y, curve: curve)
    }

    /// A key from DER SubjectPublicKeyInfo (`d2i_PUBKEY`).
    /// - Parameter derRepresentation: the DER, nothing after it.
    /// - Throws: ``CryptoError`` when it is not a P-256 or P-384 key.
    public convenience init(derRepresentation: [UInt8]) throws(CryptoError) {
        let parsed = EVPKey(owning: try OpenSSLKey.readSubjectPublicKeyInfo(derRepresentation))
        let (curve, point) = try Self.describe(parsed.pointer)
        try self.init(rawRepresentation: point, curve: curve)
    }

    /// A key from a PEM `PUBLIC KEY` block.
    /// - Parameter pemRepresentation: the PEM text.
    /// - Throws: ``CryptoError`` when there is no such block or it is not a P-256 or P-384 key.
    public convenience init(pemRepresentation: String) throws(CryptoError) {
        try self.init(derRepresentation: OpenSSLKey.readPEM(label: "PUBLIC KEY", pem: pemRepresentation))
    }

    /// Adopt a checked key OpenSSL built.
    init(owning key: EVPKey) throws(CryptoError) {
        let (curve, point) = try Self.describe(key.pointer)
        self.key = key
        self.curve = curve
        self.rawRepresentation = point
    }

    /// The curve and uncompressed point of an EC `EVP_PKEY`.
    static func describe(_ pointer: OpaquePointer) throws(CryptoError) -> (ECCurve, [UInt8]) {
        guard OpenSSLKey.typeName(pointer) == "EC" else {
            throw CryptoError(call: "EVP_PKEY_get0_type_name", reason: "expected an EC key, got \(OpenSSLKey.typeName(pointer))")
        }
        let group = try OpenSSLKey.utf8Parameter(pointer, "group")
        guard let curve = ECCurve(groupName: group) else {
            throw CryptoError(call: "EVP_PKEY_get_utf8_string_param", reason: "unsupported EC group \(group)")
        }
        let x = try OpenSSLKey.bigNumberParameter(pointer, "qx", width: curve.coordinateLength)
        let y = try OpenSSLKey.bigNumberParameter(pointer, "qy", width: curve.coordinateLength)
        return (curve, [0x04] + x + y)
    }

    /// The x-coordinate, left-padded to the curve's coordinate length.
    public var x: [UInt8] { Array(rawRepresentation[1...curve.coordinateLength]) }
    /// The y-coordinate, left-padded to the curve's coordinate length.
    public var y: [UInt8] { Array(rawRepresentation[(1 + curve.coordinateLength)...]) }

    /// The DER SubjectPublicKeyInfo (`i2d_PUBKEY`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func derRepresentation() throws(CryptoError) -> [UInt8] { try OpenSSLKey.subjectPublicKeyInfo(key.pointer) }

    /// The PEM `PUBLIC KEY` block.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func pemRepresentation() throws(CryptoError) -> String {
        try OpenSSLKey.pem(label: "PUBLIC KEY", der: derRepresentation())
    }

    /// Whether `signature` is a valid ECDSA signature of `message`
    /// (`EVP_DigestVerify`).
    /// - Parameters:
    ///   - signature: the signature; one for another curve is invalid.
    ///   - message: the signed bytes (hashed here).
    ///   - digest: the hash, by default the curve's JOSE hash.
    /// - Returns: `true` only for a valid signature.
    public func isValidSignature(_ signature: ECDSASignature, for message: some ContiguousBytes,
                                 digest: DigestAlgorithm? = nil) -> Bool {
        guard signature.curve == curve, let der = try? signature.derRepresentation() else { return false }
        return isValidSignature(derRepresentation: der, for: message, digest: digest)
    }

    /// Whether a DER-encoded ECDSA signature is valid for `message` (`EVP_DigestVerify`).
    /// - Parameters:
    ///   - derRepresentation: the DER `ECDSA-Sig-Value`.
    ///   - message: the signed bytes (hashed here).
    ///   - digest: the hash, by default the curve's JOSE hash.
    /// - Returns: `true` only for a valid signature.
    public func isValidSignature(derRepresentation: [UInt8], for message: some ContiguousBytes,
                                 digest: DigestAlgorithm? = nil) -> Bool {
        (try? OpenSSLKey.verify(key: key.pointer, digest: digest ?? curve.digest, padding: .none,
                                signature: derRepresentation, message: message)) ?? false
    }

    public static func == (lhs: ECPublicKey, rhs: ECPublicKey) -> Bool {
        lhs.curve == rhs.curve && lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(curve)
        hasher.combine(rawRepresentation)
    }
}

import Foundation
