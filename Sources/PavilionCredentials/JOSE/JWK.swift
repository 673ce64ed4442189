import PavilionCore
import PavilionCrypto

/// A JSON Web Key (RFC 7517) of a type Pavilion supports: EC P-256 and
/// P-384, OKP Ed25519 (RFC 8037) and RSA (public; private only for tests).
///
/// Private parts are held by OpenSSL key objects and are serialised only
/// when ``jsonValue(includingPrivate:)`` is asked for them explicitly.
/// Members other than `kty`, the key material, `kid`, `use`, `alg` and
/// `key_ops` are not kept.
public struct JWK: Sendable, Equatable {
    /// The key material.
    public enum Material: Sendable {
        /// `kty: EC`; the private key when `d` was present.
        case ec(ECPublicKey, ECPrivateKey?)
        /// `kty: OKP`, `crv: Ed25519`; the private key when `d` was present.
        case ed25519(Ed25519PublicKey, Ed25519PrivateKey?)
        /// `kty: RSA`; the private key when its CRT parts were present.
        case rsa(RSAPublicKey, RSAPrivateKey?)
    }

    /// The key material.
    public let material: Material
    /// `kid`.
    public var keyID: String?
    /// `use`, e.g. `sig` or `enc`.
    public var use: String?
    /// `alg`: the one algorithm the key is meant for, if any.
    public var algorithm: String?
    /// `key_ops`, e.g. `["verify"]`.
    public var keyOperations: [String]?

    /// A JWK for `material` with the given metadata.
    /// - Parameters:
    ///   - material: the key.
    ///   - keyID: `kid`.
    ///   - use: `use`.
    ///   - algorithm: `alg`.
    public init(_ material: Material, keyID: String? = nil, use: String? = nil, algorithm: String? = nil) {
        self.material = material
        self.keyID = keyID
        self.use = use
        self.algorithm = algorithm
    }

    /// Whether the JWK holds a private key.
    public var isPrivate: Bool {
        switch material {
        case .ec(_, let p): return p != nil
        case .ed25519(_, let p): return p != nil
        case .rsa(_, let p): return p != nil
        }
    }

    /// The same JWK without its private part.
    public var publicJWK: JWK {
        var copy: JWK
        switch material {
        case .ec(let k, _): copy = JWK(.ec(k, nil))
        case .ed25519(let k, _): copy = JWK(.ed25519(k, nil))
        case .rsa(let k, _): copy = JWK(.rsa(k, nil))
        }
        copy.keyID = keyID
        copy.use = use
        copy.algorithm = algorithm
        copy.keyOperations = keyOperations
        return copy
    }

    /// The `kty` value.
    public var keyType: String {
        switch material {
        case .ec: return "EC"
        case .ed25519: return "OKP"
        case .rsa: return "RSA"
        }
    }

    public static func == (lhs: JWK, rhs: JWK) -> Bool {
        lhs.requiredMembers == rhs.requiredMembers && lhs.isPrivate == rhs.isPrivate && lhs.keyID == rhs.keyID
            && lhs.use == rhs.use && lhs.algorithm == rhs.algorithm && lhs.keyOperations == rhs.keyOperations
    }

    // MARK: Parsing

    /// Parse a JWK from its JSON text (duplicate member names refused).
    /// - Parameter text: the JSON text.
    /// - Throws: ``JOSEError`` `invalidEncoding` (not a JSON object), `invalidKey`, `unsupportedKey`.
    public init(parsing text: String) throws(JOSEError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            throw JOSEError(.invalidEncoding, "JWK is not valid JSON: \(error)")
        }
        try self.init(json: value)
    }

    /// A JWK from a parsed JSON value.
    /// - Parameter json: the JSON object.
    /// - Throws: ``JOSEError`` `invalidKey` (malformed), `unsupportedKey` (type or curve not supported).
    public init(json: JSONValue) throws(JOSEError) {
        guard let members = json.objectValue else { throw JOSEError(.invalidKey, "a JWK is a JSON object, got \(json.typeName)") }
        let reader = MemberReader(members: members)
        guard let kty = try reader.string("kty") else { throw JOSEError(.invalidKey, "the JWK has no kty") }
        switch kty {
        case "EC": material = try Self.parseEC(reader)
        case "OKP": material = try Self.parseOKP(reader)
        case "RSA": material = try Self.parseRSA(reader)
        case "oct": throw JOSEError(.unsupportedKey, "symmetric (oct) keys are not supported: Pavilion signs and verifies with public keys only")
        default: throw JOSEError(.unsupportedKey, "key type \"\(kty)\" is not supported")
        }
        keyID = try reader.string("kid")
        use = try reader.string("use")
        algorithm = try reader.string("alg")
        if let ops = members["key_ops"] {
            guard let array = ops.arrayValue else { throw JOSEError(.invalidKey, "key_ops is not an array") }
            var names: [String] = []
            for op in array {
                guard let name = op.stringValue, !names.contains(name) else {
                    throw JOSEError(.invalidKey, "key_ops holds a non-string or a duplicate")
                }
                names.append(name)
            }
            keyOperations = names
        } else {
            keyOperations = nil
        }
    }

    private static func parseEC(_ reader: MemberReader) throws(JOSEError) -> Material {
        guard let crv = try reader.string("crv") else { throw JOSEError(.invalidKey, "the EC JWK has no crv") }
        guard let curve = ECCurve(rawValue: crv) else {
            throw JOSEError(.unsupportedKey, "EC curve \"\(crv)\" is not supported (P-256 and P-384 are)")
        }
        let x = try reader.requiredBytes("x", length: curve.coordinateLength)
        let y = try reader.requiredBytes("y", length: curve.coordinateLength)
        let publicKey: ECPublicKey
        do {
            publicKey = try ECPublicKey(x: x, y: y, curve: curve)
        } catch {
            throw JOSEError(.invalidKey, "the EC JWK's point is not on \(crv): \(error)")
        }
        guard var d = try reader.optionalBytes("d", length: curve.coordinateLength) else { return .ec(publicKey, nil) }
        defer { ConstantTime.wipe(&d) }
        do {
            return .ec(publicKey, try ECPrivateKey(privateScalar: d, publicKey: publicKey))
        } catch {
            throw JOSEError(.invalidKey, "the EC JWK's d does not match x and y: \(error)")
        }
    }

    private static func parseOKP(_ reader: MemberReader) throws(JOSEError) -> Material {
        guard let crv = try reader.string("crv") else { throw JOSEError(.invalidKey, "the OKP JWK has no crv") }
        guard crv == "Ed25519" else { throw JOSEError(.unsupportedKey, "OKP curve \"\(crv)\" is not supported (Ed25519 is)") }
        let x = try reader.requiredBytes("x", length: 32)
        let publicKey: Ed25519PublicKey
        do { publicKey = try Ed25519PublicKey(rawRepresentation: x) } catch { throw JOSEError(.invalidKey, "\(error)") }
        guard var d = try reader.optionalBytes("d", length: 32) else { return .ed25519(publicKey, nil) }
        defer { ConstantTime.wipe(&d) }
        do {
            let privateKey = try Ed25519PrivateKey(seed: d)
            guard try privateKey.publicKey() == publicKey else {
                throw JOSEError(.invalidKey, "the Ed25519 JWK's d does not match x")
            }
            return .ed25519(publicKey, privateKey)
        } catch let error as JOSEError {
            throw error
        } catch {
            throw JOSEError(.invalidKey, "\(error)")
        }
    }

    private static func parseRSA(_ reader: MemberReader) throws(JOSEError) -> Material {
        let n = try reader.requiredBytes("n")
        let e = try reader.requiredBytes("e")
        let publicKey: RSAPublicKey
        do {
            publicKey = try RSAPublicKey(modulus: n, publicExponent: e)
        } catch {
            throw JOSEError(.unsupportedKey, "RSA key refused: \(error.reason)")
        }
        guard reader.members["oth"] == nil else {
            throw JOSEError(.unsupportedKey, "multi-prime RSA keys (oth) are not supported")
        }
        guard var d = try reader.optionalBytes("d") else { return .rsa(publicKey, nil) }
        var parts: [[UInt8]] = []
        defer {
            ConstantTime.wipe(&d)
            for i in parts.indices { ConstantTime.wipe(&parts[i]) }
        }
        for name in ["p", "q", "dp", "dq", "qi"] {
            guard let part = try reader.optionalBytes(name) else {
                throw JOSEError(.unsupportedKey, "RSA private keys without the CRT parameters (\(name)) are not supported")
            }
            parts.append(part)
        }
        do {
            let privateKey = try RSAPrivateKey(modulus: n, publicExponent: e, privateExponent: d, primes: (parts[0], parts[1]),
                                               exponents: (parts[2], parts[3]), coefficient: parts[4])
            return .rsa(publicKey, privateKey)
        } catch {
            throw JOSEError(.invalidKey, "the RSA JWK's private parts do not fit: \(error)")
        }
    }

    // MARK: Serialisation

    /// The members RFC 7638 requires for this key type, public only.
    var requiredMembers: [String: JSONValue] {
        switch material {
        case .ec(let k, _):
            return ["kty": "EC", "crv": .string(k.curve.rawValue), "x": .string(Base64URL.encode(k.x)), "y": .string(Base64URL.encode(k.y))]
        case .ed25519(let k, _):
            return ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(k.rawRepresentation))]
        case .rsa(let k, _):
            return ["kty": "RSA", "n": .string(Base64URL.encode(k.modulus)), "e": .string(Base64URL.encode(k.publicExponent))]
        }
    }

    /// The JWK as a JSON object.
    /// - Parameter includingPrivate: also write the private members (`d`, and
    ///   for RSA `p`, `q`, `dp`, `dq`, `qi`); off by default.
    /// - Returns: the object.
    /// - Throws: ``JOSEError`` `cryptoFailure` when OpenSSL cannot export a private part.
    public func jsonValue(includingPrivate: Bool = false) throws(JOSEError) -> JSONValue {
        var members = requiredMembers
        if let keyID { members["kid"] = .string(keyID) }
        if let use { members["use"] = .string(use) }
        if let algorithm { members["alg"] = .string(algorithm) }
        if let keyOperations { members["key_ops"] = .array(keyOperations.map { .string($0) }) }
        if includingPrivate {
            do {
                switch material {
                case .ec(_, let p?):
                    var d = try p.privateScalar()
                    members["d"] = .string(Base64URL.encode(d))
                    ConstantTime.wipe(&d)
                case .ed25519(_, let p?):
                    var d = try p.seedRepresentation()
                    members["d"] = .string(Base64URL.encode(d))
                    ConstantTime.wipe(&d)
                case .rsa(_, let p?):
                    for (member, name) in [("d", "d"), ("p", "rsa-factor1"), ("q", "rsa-factor2"), ("dp", "rsa-exponent1"),
                                           ("dq", "rsa-exponent2"), ("qi", "rsa-coefficient1")] {
                        var part = try p.privateComponent(name)
                        members[member] = .string(Base64URL.encode(part))
                        ConstantTime.wipe(&part)
                    }
                default: break
                }
            } catch {
                throw JOSEError(.cryptoFailure, "exporting the private key: \(error)")
            }
        }
        return .object(members)
    }

    /// The JWK as compact JSON text (keys sorted).
    /// - Parameter includingPrivate: also write the private members; off by default.
    /// - Throws: ``JOSEError`` `cryptoFailure` when OpenSSL cannot export a private part.
    public func serialized(includingPrivate: Bool = false) throws(JOSEError) -> String {
        try jsonValue(includingPrivate: includingPrivate).serialized
    }
}

/// Typed access to a JSON object's members, for JWKs and headers.
struct MemberReader {
    let members: [String: JSONValue]

    func string(_ name: String) throws(JOSEError) -> String? {
        guard let value = members[name] else { return nil }
        guard let s = value.stringValue else { throw JOSEError(.invalidKey, "\(name) is a \(value.typeName), not a string") }
        return s
    }

    func optionalBytes(_ name: String, length: Int? = nil) throws(JOSEError) -> [UInt8]? {
        guard let text = try string(name) else { return nil }
        let decoded: [UInt8]
        do { decoded = try Base64URL.decode(text) } catch { throw JOSEError(.invalidKey, "\(name): \(error.reason)") }
        if let length, decoded.count != length {
            throw JOSEError(.invalidKey, "\(name) is \(decoded.count) bytes, expected \(length)")
        }
        guard !decoded.isEmpty else { throw JOSEError(.invalidKey, "\(name) is empty") }
        return decoded
    }

    func requiredBytes(_ name: String, length: Int? = nil) throws(JOSEError) -> [UInt8] {
        guard let value = try optionalBytes(name, length: length) else { throw JOSEError(.invalidKey, "the JWK has no \(name)") }
        return value
    }
}
