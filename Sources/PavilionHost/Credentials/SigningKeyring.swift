import Foundation
import PavilionCore
import PavilionCredentials
import PavilionHSM
import PavilionStore

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
    /// Region name → signers (keys named by the configuration, used when there is no key registry).
    public let regions: [String: RegionSigners]
    /// The registered keys with their signers (from the store's key registry); their state follows the clock.
    public let entries: [RegisteredKey]

    /// A key of the registry and its signer.
    public struct RegisteredKey: Sendable {
        /// The registry's record.
        public var record: SigningKeyRecord
        /// The signer for its label.
        public var signer: any Signer

        /// - Parameters: the fields above.
        public init(record: SigningKeyRecord, signer: any Signer) {
            self.record = record
            self.signer = signer
        }
    }

    /// - Parameters:
    ///   - issuer: the issuer identifier.
    ///   - lifetimeSeconds: credential lifetime.
    ///   - regions: region → signers.
    ///   - entries: registered keys (their state decides which signs and which are published).
    public init(issuer: String, lifetimeSeconds: Int = 86_400, regions: [String: RegionSigners], entries: [RegisteredKey] = []) {
        self.issuer = issuer
        self.lifetimeSeconds = lifetimeSeconds
        self.regions = regions
        self.entries = entries
    }

    /// Open the keys a configuration names.
    /// - Parameter configuration: the `credentials:` section.
    /// - Returns: the keyring.
    /// - Throws: ``SignerError`` (software store) or ``PKCS11Error`` wrapped in
    ///   a ``SignerError`` (HSM), naming the key that failed.
    public static func open(_ configuration: CredentialsConfiguration) throws(SignerError) -> SigningKeyring {
        let keys = try SigningKeySource.open(configuration.keys)
        let find = { (label: String) throws(SignerError) -> any Signer in try keys.signer(label: label) }
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
        return SigningKeyring(issuer: configuration.issuer, lifetimeSeconds: configuration.lifetimeSeconds, regions: regions)
    }

    /// The signer for `format` in `region`, if the region has that kind of key.
    func signer(for format: CredentialFormat, region: String, at now: Date = Date()) -> (any Signer)? {
        signer(algorithm: format.usesEdDSA ? .edDSA : .es256, region: region, at: now)
    }

    /// The key that signs with `algorithm` for `region` at `now`: the
    /// registered key that is active (the most recently activated), else
    /// the configured one when the region has no registered key of that kind.
    /// - Parameters:
    ///   - algorithm: ES256 or EdDSA.
    ///   - region: the processing region.
    ///   - now: the moment.
    /// - Returns: the signer, or `nil` when none is active.
    public func signer(algorithm: SigningAlgorithm, region: String, at now: Date = Date()) -> (any Signer)? {
        let mine = entries.filter { $0.record.region == region && $0.record.algorithm == algorithm.rawValue }
        if !mine.isEmpty {
            return mine.filter { $0.record.state(at: now, lifetime: TimeInterval(lifetimeSeconds)) == .active }
                .max { $0.record.activatesAt < $1.record.activatesAt }?.signer
        }
        return algorithm == .edDSA ? regions[region]?.edDSA : regions[region]?.es256
    }

    /// The JWK Set at the current time; see ``jwks(at:)``.
    public var jwks: JSONValue { jwks(at: Date()) }

    /// The JWK Set: every published, active and retired-but-unexpired key
    /// once, with `kid` (the RFC 7638 thumbprint), `alg`, `use: sig` and
    /// `pavilion_region` (and `pavilion_state` for registered keys), sorted
    /// by region then `kid`. A retired key stays until every credential it
    /// signed has expired (its retirement plus the credential lifetime).
    /// - Parameter now: the moment.
    public func jwks(at now: Date) -> JSONValue {
        var listed: [(region: String, signer: any Signer, state: SigningKeyRecord.State?)] = []
        for (region, signers) in regions {
            for signer in [signers.es256, signers.edDSA].compactMap({ $0 }) { listed.append((region, signer, nil)) }
        }
        for entry in entries {
            let state = entry.record.state(at: now, lifetime: TimeInterval(lifetimeSeconds))
            guard state != .dropped else { continue }
            listed.removeAll { $0.signer.keyID == entry.signer.keyID }
            listed.append((entry.record.region, entry.signer, state))
        }
        listed.sort { ($0.region, $0.signer.keyID) < ($1.region, $1.signer.keyID) }
        let keys: [JSONValue] = listed.map { item in
            var members = item.signer.publicKey.jwkMembers.mapValues(JSONValue.string)
            members["kid"] = .string(item.signer.keyID)
            members["alg"] = .string(item.signer.algorithm.rawValue)
            members["use"] = "sig"
            members["pavilion_region"] = .string(item.region)
            if let state = item.state { members["pavilion_state"] = .string(state.rawValue) }
            return .object(members)
        }
        return .object(["keys": .array(keys)])
    }

    /// The public keys of ``jwks(at:)`` as JWKs (for checking this host's own credentials and lists).
    public func publicKeys(at now: Date = Date()) -> [JWK] {
        (jwks(at: now)["keys"]?.arrayValue ?? []).compactMap { try? JWK(json: $0) }
    }

    /// The SD-JWT VC issuer metadata served at `/.well-known/jwt-vc-issuer`:
    /// `issuer` and the key set by value (`jwks`).
    public var issuerMetadata: JSONValue {
        .object(["issuer": .string(issuer), "jwks": jwks])
    }
}
