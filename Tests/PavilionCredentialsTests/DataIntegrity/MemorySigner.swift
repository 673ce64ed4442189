import PavilionCredentials
import PavilionCrypto
import PavilionHSM

/// A ``Signer`` over a private JWK in memory, the test stand-in for the HSM.
struct MemorySigner: Signer {
    let jwk: JWK
    let algorithm: SigningAlgorithm
    let publicKey: PublicKeyDescription
    var keyID: String { publicKey.jwkThumbprint }

    init(_ jwk: JWK) throws {
        self.jwk = jwk
        switch jwk.material {
        case .ec(let k, _):
            algorithm = k.curve == .p256 ? .es256 : .es384
            publicKey = try PublicKeyDescription(algorithm: algorithm, rawRepresentation: k.rawRepresentation)
        case .ed25519(let k, _):
            algorithm = .edDSA
            publicKey = try PublicKeyDescription(algorithm: .edDSA, rawRepresentation: k.rawRepresentation)
        case .rsa:
            throw SignerError(.unsupportedAlgorithm, reason: "RSA")
        }
    }

    static func generate(_ algorithm: SigningAlgorithm) throws -> MemorySigner {
        switch algorithm {
        case .es256, .es384:
            let key = try ECPrivateKey(curve: algorithm == .es256 ? .p256 : .p384)
            return try MemorySigner(JWK(.ec(key.publicKey, key)))
        case .edDSA:
            let key = try Ed25519PrivateKey()
            return try MemorySigner(JWK(.ed25519(key.publicKey(), key)))
        }
    }

    func sign(_ message: [UInt8]) throws(SignerError) -> [UInt8] {
        do {
            switch jwk.material {
            case .ec(_, let p?): return try p.signature(for: message).rawRepresentation
            case .ed25519(_, let p?): return try p.signature(for: message)
            default: throw SignerError(.unsupportedAlgorithm, reason: "no private key")
            }
        } catch let error as SignerError {
            throw error
        } catch {
            throw SignerError(.crypto, reason: "\(error)")
        }
    }
}
