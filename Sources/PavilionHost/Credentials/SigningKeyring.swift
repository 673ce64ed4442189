import Foundation
import PavilionCore
import PavilionHSM

/// The credential signing keys, per region: a credential is signed by a key
/// of the region whose data provider answered, so the residency promise
/// extends to the signature. Publishes the public keys as a JWK Set whose
/// entries name their region (`pavilion_region`).
public struct SigningKeyring: Sendable {
    /// One region's signers.
    public struct RegionSigners: Sendable {
        /// The ES256 signer, if any.
        public var es256: (any Signer)?
        /// The Ed25519 signer, if any.
        public var edDSA: (any Signer)?

        /// - Parameters: the fields above.
        public init(es256: (any Signer)?, edDSA: (any Signer)?) {
            self.es256 = es256
            self.edDSA = edDSA
        }
    }

    /// The issuer identifier written into credentials.
    public let issuer: String
    /// How long an issued credential is valid, in seconds.
    public let lifetimeSeconds: Int
    /// Region name → signers.
    public let regions: [String: RegionSigners]
    /// Keys opened from the same source for other uses (the privacy
    /// receipt log's `privacy.log_key`), by label; not in the JWKS.
    public var otherSigners: [String: any Signer] = [:]

    /// - Parameters:
    ///   - issuer: the issuer identifier.
    ///   - lifetimeSeconds: credential lifetime.
    ///   - regions: region → signers.
    public init(issuer: String, lifetimeSeconds: Int = 86_400, regions: [String: RegionSigners]) {
        self.issuer = issuer
        self.lifetimeSeconds = lifetimeSeconds
        self.regions = regions
    }

    /// Open the keys a configuration names.
    /// - Parameters:
    ///   - configuration: the `credentials:` section.
    ///   - otherLabels: more keys to open from the same source (``otherSigners``).
    /// - Returns: the keyring.
    /// - Throws: ``SignerError`` (software store) or ``PKCS11Error`` wrapped in
    ///   a ``SignerError`` (HSM), naming the key that failed.
    public static func open(_ configuration: CredentialsConfiguration, otherLabels: [String] = []) throws(SignerError) -> SigningKeyring {
        let find: (String) throws(SignerError) -> any Signer
        switch configuration.keys {
        case .software(let directory, let masterKeyFile):
            let store = try SoftwareKeyStore(directory: directory, masterKey: .file(masterKeyFile))
            find = { (label: String) throws(SignerError) -> any Signer in try store.signer(label: label) }
        case .pkcs11(let module, let token, let pinEnvironment):
            let opened: PKCS11Token
            do {
                opened = try HSMConfiguration(modulePath: module, tokenLabel: token, pin: .environment(pinEnvironment)).openToken()
            } catch {
                throw SignerError(error)
            }
            find = { (label: String) throws(SignerError) -> any Signer in try HSMSigner(token: opened, label: label) }
        }
        var regions: [String: RegionSigners] = [:]
        for (name, labels) in configuration.regions {
            var signers = RegionSigners(es256: nil, edDSA: nil)
            if let label = labels.es256 {
                let signer = try find(label)
                guard signer.algorithm == .es256 else {
                    throw SignerError(.unsupportedAlgorithm, reason: "key \"\(label)\" of region \(name) is \(signer.algorithm.rawValue), not ES256")
                }
                signers.es256 = signer
            }
            if let label = labels.edDSA {
                let signer = try find(label)
                guard signer.algorithm == .edDSA else {
                    throw SignerError(.unsupportedAlgorithm, reason: "key \"\(label)\" of region \(name) is \(signer.algorithm.rawValue), not EdDSA")
                }
                signers.edDSA = signer
            }
            regions[name] = signers
        }
        var keyring = SigningKeyring(issuer: configuration.issuer, lifetimeSeconds: configuration.lifetimeSeconds, regions: regions)
        for label in otherLabels { keyring.otherSigners[label] = try find(label) }
        return keyring
    }

    /// The signer for `format` in `region`, if the region has that kind of key.
    func signer(for format: CredentialFormat, region: String) -> (any Signer)? {
        format.usesEdDSA ? regions[region]?.edDSA : regions[region]?.es256
    }

    /// The JWK Set: every key once, with `kid` (the RFC 7638 thumbprint),
    /// `alg`, `use: sig` and `pavilion_region`, sorted by region then `kid`.
    public var jwks: JSONValue {
        var keys: [JSONValue] = []
        for (region, signers) in regions.sorted(by: { $0.key < $1.key }) {
            let list = [signers.es256, signers.edDSA].compactMap { $0 }.sorted { $0.keyID < $1.keyID }
            for signer in list {
                var members = signer.publicKey.jwkMembers.mapValues(JSONValue.string)
                members["kid"] = .string(signer.keyID)
                members["alg"] = .string(signer.algorithm.rawValue)
                members["use"] = "sig"
                members["pavilion_region"] = .string(region)
                keys.append(.object(members))
            }
        }
        return .object(["keys": .array(keys)])
    }

    /// The SD-JWT VC issuer metadata served at `/.well-known/jwt-vc-issuer`:
    /// `issuer` and the key set by value (`jwks`).
    public var issuerMetadata: JSONValue {
        .object(["issuer": .string(issuer), "jwks": jwks])
    }
}
