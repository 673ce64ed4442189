import PavilionCrypto

/// A public key in the Multikey form (W3C Controlled Identifiers §2.2.2):
/// multibase base58btc of a multicodec-prefixed key — P-256 (`0x1200`) and
/// P-384 (`0x1201`) as compressed SEC 1 points, Ed25519 (`0xed`) as its 32
/// bytes. The form did:key and `publicKeyMultibase` use.
public struct Multikey: Sendable, Equatable {
    /// The multicodec codes Pavilion reads and writes.
    public enum Codec: UInt64, Sendable, CaseIterable {
        /// `p256-pub`: compressed P-256 point, 33 bytes.
        case p256Public = 0x1200
        /// `p384-pub`: compressed P-384 point, 49 bytes.
        case p384Public = 0x1201
        /// `ed25519-pub`: 32 bytes.
        case ed25519Public = 0xED
        /// `p256-priv`: the 32-byte scalar (test vectors' `secretKeyMultibase`).
        case p256Private = 0x1306
        /// `p384-priv`: the 48-byte scalar.
        case p384Private = 0x1307
        /// `ed25519-priv`: the 32-byte seed.
        case ed25519Private = 0x1300
    }

    /// The key as a public JWK (no `kid`).
    public let jwk: JWK
    /// The `publicKeyMultibase` text, `z…`.
    public let multibase: String

    /// The Multikey of a public key.
    /// - Parameter jwk: an EC P-256/P-384 or Ed25519 key; a private part is ignored.
    /// - Throws: ``DIDError`` `unsupportedKey` for RSA.
    public init(jwk: JWK) throws(DIDError) {
        let bytes: [UInt8]
        switch jwk.material {
        case .ec(let k, _):
            let codec: Codec = k.curve == .p256 ? .p256Public : .p384Public
            bytes = Self.varint(codec.rawValue) + Self.compress(k)
        case .ed25519(let k, _):
            bytes = Self.varint(Codec.ed25519Public.rawValue) + k.rawRepresentation
        case .rsa:
            throw DIDError(.unsupportedKey, "RSA keys have no Multikey form in Pavilion")
        }
        self.jwk = JWK(Self.publicMaterial(jwk.material))
        self.multibase = Base58BTC.multibase(bytes)
    }

    /// Decode a `publicKeyMultibase` value.
    /// - Parameter multibase: `z` and base58btc of a multicodec-prefixed public key.
    /// - Throws: ``DIDError`` `invalidEncoding`, `unsupportedKey` (another codec) or `invalidKey` (bad point).
    public init(multibase: String) throws(DIDError) {
        let (codec, key) = try Self.split(Base58BTC.decodeMultibase(multibase))
        do {
            switch codec {
            case .p256Public, .p384Public:
                let curve: ECCurve = codec == .p256Public ? .p256 : .p384
                guard key.count == 1 + curve.coordinateLength, key[0] == 2 || key[0] == 3 else {
                    throw DIDError(.invalidKey, "a \(curve.rawValue) Multikey is a compressed point of \(1 + curve.coordinateLength) bytes")
                }
                jwk = JWK(.ec(try Self.decompress(key, curve: curve), nil))
            case .ed25519Public:
                jwk = JWK(.ed25519(try Ed25519PublicKey(rawRepresentation: key), nil))
            default:
                throw DIDError(.invalidKey, "publicKeyMultibase holds a private key (multicodec 0x\(String(codec.rawValue, radix: 16)))")
            }
        } catch let error as DIDError {
            throw error
        } catch {
            throw DIDError(.invalidKey, "\(error)")
        }
        self.multibase = multibase
    }

    /// The private JWK of a `secretKeyMultibase` (test-vector key pairs).
    /// - Parameters:
    ///   - secretKeyMultibase: `z…` of `p256-priv`, `p384-priv` or `ed25519-priv`.
    ///   - publicKey: the matching public key.
    /// - Returns: a private JWK whose public part is `publicKey`'s.
    /// - Throws: ``DIDError`` `invalidEncoding`, `unsupportedKey` or `invalidKey` when the halves do not match.
    public static func privateJWK(secretKeyMultibase: String, publicKey: Multikey) throws(DIDError) -> JWK {
        var (codec, secret) = try split(Base58BTC.decodeMultibase(secretKeyMultibase))
        defer { ConstantTime.wipe(&secret) }
        do {
            switch (codec, publicKey.jwk.material) {
            case (.p256Private, .ec(let pub, _)) where pub.curve == .p256,
                 (.p384Private, .ec(let pub, _)) where pub.curve == .p384:
                return JWK(.ec(pub, try ECPrivateKey(privateScalar: secret, publicKey: pub)))
            case (.ed25519Private, .ed25519(let pub, _)):
                let key = try Ed25519PrivateKey(seed: secret)
                guard try key.publicKey() == pub else { throw DIDError(.invalidKey, "the Ed25519 seed does not give the public key") }
                return JWK(.ed25519(pub, key))
            default:
                throw DIDError(.invalidKey, "secret key codec 0x\(String(codec.rawValue, radix: 16)) does not fit the public key")
            }
        } catch let error as DIDError {
            throw error
        } catch {
            throw DIDError(.invalidKey, "the secret key does not fit the public key: \(error)")
        }
    }

    public static func == (lhs: Multikey, rhs: Multikey) -> Bool { lhs.multibase == rhs.multibase }

    // MARK: Encoding

    static func publicMaterial(_ material: JWK.Material) -> JWK.Material {
        switch material {
        case .ec(let k, _): return .ec(k, nil)
        case .ed25519(let k, _): return .ed25519(k, nil)
        case .rsa(let k, _): return .rsa(k, nil)
        }
    }

    static func split(_ bytes: [UInt8]) throws(DIDError) -> (Codec, [UInt8]) {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = 0
        while true {
            guard index < bytes.count, index < 9 else { throw DIDError(.invalidEncoding, "the multicodec varint is truncated") }
            let byte = bytes[index]
            value |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard varint(value).count == index else { throw DIDError(.invalidEncoding, "the multicodec varint is not minimal") }
        guard let codec = Codec(rawValue: value) else {
            throw DIDError(.unsupportedKey, "multicodec 0x\(String(value, radix: 16)) is not supported (P-256, P-384, Ed25519 are)")
        }
        return (codec, Array(bytes[index...]))
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var v = value
        repeat {
            let low = UInt8(v & 0x7F)
            v >>= 7
            out.append(v == 0 ? low : low | 0x80)
        } while v != 0
        return out
    }

    /// SEC 1 §2.3.3 compressed point: `02|03 || x` by the parity of y.
    static func compress(_ key: ECPublicKey) -> [UInt8] {
        [(key.y.last ?? 0) & 1 == 1 ? 0x03 : 0x02] + key.x
    }

    /// OpenSSL decompresses: the compressed point goes into a DER
    /// SubjectPublicKeyInfo (RFC 5480, where compressed points are allowed),
    /// which ``ECPublicKey/init(derRepresentation:)`` reads and checks.
    static func decompress(_ point: [UInt8], curve: ECCurve) throws(CryptoError) -> ECPublicKey {
        let prefix: [UInt8] = switch curve {
        case .p256: [0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
                     0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00]
        case .p384: [0x30, 0x46, 0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
                     0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22, 0x03, 0x32, 0x00]
        }
        let key = try ECPublicKey(derRepresentation: prefix + point)
        guard key.curve == curve else { throw CryptoError(call: "d2i_PUBKEY", reason: "decoded a key on \(key.curve.rawValue)") }
        return key
    }
}
