import PavilionCrypto

/// A signing key's public half, in the forms verifiers and the JWKS need.
public struct PublicKeyDescription: Sendable, Hashable {
    /// The algorithm the key signs with.
    public let algorithm: SigningAlgorithm
    /// The raw key: the uncompressed point `0x04 || X || Y` for ECDSA (SEC 1
    /// §2.3.3), the 32 bytes of RFC 8032 for Ed25519.
    public let rawRepresentation: [UInt8]

    /// A public key from its raw form. The point is not checked to lie on
    /// the curve here; OpenSSL checks it when it verifies.
    /// - Parameters:
    ///   - algorithm: the algorithm.
    ///   - rawRepresentation: the raw key (see ``rawRepresentation``).
    /// - Throws: ``SignerError/Code/malformedInput`` for a wrong length or,
    ///   for ECDSA, a point that is not uncompressed.
    public init(algorithm: SigningAlgorithm, rawRepresentation: [UInt8]) throws(SignerError) {
        guard rawRepresentation.count == algorithm.publicKeyLength,
              algorithm == .edDSA || rawRepresentation.first == 0x04 else {
            throw SignerError(.malformedInput, reason: "a \(algorithm.curve) public key is \(algorithm.publicKeyLength) bytes"
                + (algorithm == .edDSA ? "" : " starting 0x04") + ", got \(rawRepresentation.count)")
        }
        self.algorithm = algorithm
        self.rawRepresentation = rawRepresentation
    }

    /// The X coordinate (ECDSA) or the whole key (Ed25519).
    public var x: [UInt8] {
        algorithm == .edDSA ? rawRepresentation : Array(rawRepresentation[1...algorithm.coordinateLength])
    }

    /// The Y coordinate; `nil` for Ed25519.
    public var y: [UInt8]? {
        algorithm == .edDSA ? nil : Array(rawRepresentation[(1 + algorithm.coordinateLength)...])
    }

    /// The JWK members that define the key (RFC 7518 §6.2, RFC 8037 §2):
    /// `kty`, `crv`, `x` and, for EC, `y`, coordinates base64url without padding.
    public var jwkMembers: [String: String] {
        var members = ["kty": algorithm == .edDSA ? "OKP" : "EC", "crv": algorithm.curve, "x": Base64URL.encode(x)]
        if let y { members["y"] = Base64URL.encode(y) }
        return members
    }

    /// The RFC 7638 JWK thumbprint: SHA-256 of the required members in
    /// lexicographic order with no whitespace, base64url.
    public var jwkThumbprint: String {
        let members = jwkMembers.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
        return Base64URL.encode(SHA256.hash(Array("{\(members.joined(separator: ","))}".utf8)))
    }

    /// The DER `SubjectPublicKeyInfo` (RFC 5480 for EC, RFC 8410 for Ed25519).
    public var subjectPublicKeyInfo: [UInt8] {
        // Fixed prefixes: SEQUENCE { AlgorithmIdentifier, BIT STRING (0 unused bits) }.
        let prefix: [UInt8] = switch algorithm {
        case .es256: [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                      0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]
        case .es384: [0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                      0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00]
        case .edDSA: [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
        }
        return prefix + rawRepresentation
    }

    /// The key as a PEM `PUBLIC KEY` block, for `openssl` and other tools.
    public var pem: String {
        let body = Base64URL.standard(subjectPublicKeyInfo)
        var lines: [Substring] = []
        var rest = Substring(body)
        while !rest.isEmpty {
            lines.append(rest.prefix(64))
            rest = rest.dropFirst(64)
        }
        return "-----BEGIN PUBLIC KEY-----\n" + lines.joined(separator: "\n") + "\n-----END PUBLIC KEY-----\n"
    }
}
