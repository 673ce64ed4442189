import PavilionCore
import PavilionCrypto

/// A log's public key: what a verifier pins to trust tree heads and receipts.
///
/// JSON form (in bundles and `--key` files):
/// `{"alg":"EdDSA","kid":"…","key":"<hex of the raw key>"}` — the raw key is
/// 32 bytes for EdDSA and the 65-byte uncompressed point for ES256.
public struct LogPublicKey: Sendable, Hashable {
    /// The signature algorithm.
    public let algorithm: LogSignatureAlgorithm
    /// The raw public key.
    public let rawRepresentation: [UInt8]
    /// The key's identifier; by default the hex SHA-256 of the raw key.
    public let keyID: String

    /// A key from its raw bytes.
    /// - Parameters:
    ///   - algorithm: the algorithm the key signs with.
    ///   - rawRepresentation: 32 bytes for EdDSA, 65 (`0x04 || X || Y`) for ES256.
    ///   - keyID: an identifier; `nil` takes the hex SHA-256 of the raw key.
    /// - Throws: ``LogKeyError`` when the key has the wrong length or is not on the curve.
    public init(algorithm: LogSignatureAlgorithm, rawRepresentation: [UInt8], keyID: String? = nil) throws(LogKeyError) {
        switch algorithm {
        case .edDSA:
            guard rawRepresentation.count == 32 else {
                throw LogKeyError("an EdDSA key is 32 bytes, got \(rawRepresentation.count)")
            }
        case .es256:
            guard rawRepresentation.count == 65, rawRepresentation.first == 0x04,
                  (try? ECPublicKey(rawRepresentation: rawRepresentation, curve: .p256)) != nil
            else { throw LogKeyError("an ES256 key is an uncompressed P-256 point (65 bytes)") }
        }
        self.algorithm = algorithm
        self.rawRepresentation = rawRepresentation
        self.keyID = keyID ?? SHA256.hex(rawRepresentation)
    }

    /// Whether `signature` is this key's signature of `message`
    /// (`EVP_DigestVerify` through PavilionCrypto).
    /// - Parameters:
    ///   - signature: the signature in JOSE form.
    ///   - message: the signed bytes.
    /// - Returns: `true` only for a valid signature.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch algorithm {
        case .edDSA:
            guard signature.count == 64, let key = try? Ed25519PublicKey(rawRepresentation: rawRepresentation) else { return false }
            return key.isValidSignature(signature, for: message)
        case .es256:
            guard let key = try? ECPublicKey(rawRepresentation: rawRepresentation, curve: .p256),
                  let parsed = try? ECDSASignature(rawRepresentation: signature, curve: .p256) else { return false }
            return key.isValidSignature(parsed, for: message)
        }
    }

    /// The JSON form.
    public var json: JSONValue {
        ["alg": .string(algorithm.rawValue), "kid": .string(keyID), "key": .string(Hex.encode(rawRepresentation))]
    }

    /// A key from its JSON form; unknown members are refused.
    /// - Parameter json: `{"alg":…,"kid":…,"key":…}`.
    /// - Throws: ``LogKeyError`` for a malformed key.
    public init(json: JSONValue) throws(LogKeyError) {
        guard let members = json.objectValue else { throw LogKeyError("a public key is a JSON object") }
        if let unknown = members.keys.first(where: { !["alg", "kid", "key"].contains($0) }) {
            throw LogKeyError("unknown public-key member '\(unknown)'")
        }
        guard let name = members["alg"]?.stringValue, let algorithm = LogSignatureAlgorithm(rawValue: name) else {
            throw LogKeyError("'alg' must be one of \(LogSignatureAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let hex = members["key"]?.stringValue, let raw = Hex.decode(hex) else {
            throw LogKeyError("'key' must be the raw public key in hex")
        }
        let kid = members["kid"]?.stringValue
        if members["kid"] != nil, kid == nil { throw LogKeyError("'kid' must be a string") }
        try self.init(algorithm: algorithm, rawRepresentation: raw, keyID: kid)
    }
}

/// A public key could not be read.
public struct LogKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the key.
    public let reason: String
    /// An error saying `reason`.
    /// - Parameter reason: what is wrong.
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "invalid public key: \(reason)" }
}
