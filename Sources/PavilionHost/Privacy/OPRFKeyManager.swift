import Foundation
import PavilionCrypto
import PavilionPrivacy
import PavilionStore
import Synchronization

/// OPRF keys per tenant and name (purpose), kept in the store sealed with
/// AES-256-GCM under a key derived from the host's privacy secret, with
/// the tenant, name, suite and mode as associated data (a sealed key moved
/// to another row does not open). `create` makes version 1, `rotate` the
/// next version and retires the one in use (see `docs/privacy.md`).
public final class OPRFKeyManager: Sendable {
    private let store: any Store
    private let sealingKey: SecretBytes
    private let cache = Mutex<[String: OPRFPrivateKey]>([:])

    /// - Parameters:
    ///   - store: where the sealed keys live.
    ///   - secret: the host's privacy secret.
    /// - Throws: ``HostServiceError`` when the sealing key cannot be derived.
    public init(store: any Store, secret: PrivacySecret) throws(HostServiceError) {
        self.store = store
        sealingKey = try secret.sealingKey()
    }

    /// The `mode` column's names.
    public static func modeName(_ mode: OPRFMode) -> String {
        switch mode {
        case .oprf: return "oprf"
        case .voprf: return "voprf"
        case .poprf: return "poprf"
        }
    }

    /// The mode for a `mode` column's name.
    public static func mode(named name: String) -> OPRFMode? {
        switch name {
        case "oprf": return .oprf
        case "voprf": return .voprf
        case "poprf": return .poprf
        default: return nil
        }
    }

    private static func associatedData(tenant: TenantID, name: String, suite: OPRFSuite, mode: String) -> [UInt8] {
        Array("pavilion-oprf-key-v1\u{0}\(tenant.rawValue)\u{0}\(name)\u{0}\(suite.rawValue)\u{0}\(mode)".utf8)
    }

    /// Make a fresh key and store it as version 1 of `name`, or (`rotate`)
    /// as the next version.
    /// - Returns: the stored key (public part and version).
    /// - Throws: ``StoreError`` (`duplicate`, `notFound`), or a crypto failure as ``StoreError/Code/crypto``.
    public func add(tenant: TenantID, name: String, suite: OPRFSuite, mode: OPRFMode, rotate: Bool) async throws(StoreError) -> StoredOPRFKey {
        let key: OPRFPrivateKey
        let sealed: AESGCM.SealedBox
        let modeText = Self.modeName(mode)
        do {
            key = try OPRFPrivateKey.generate(suite: suite)
            var raw = key.serialized.copyBytes()
            defer { ConstantTime.wipe(&raw) }
            sealed = try AESGCM.seal(raw, key: sealingKey,
                                     authenticating: Self.associatedData(tenant: tenant, name: name, suite: suite, mode: modeText))
        } catch {
            throw StoreError(.crypto, "cannot make an OPRF key: \(error)")
        }
        return try await store.addOPRFKey(tenant: tenant, name: name, suite: suite.rawValue, mode: modeText,
                                          sealedKey: sealed.nonce + sealed.ciphertext + sealed.tag,
                                          publicKey: key.publicKey.serialized, rotate: rotate)
    }

    /// The private key of a stored key.
    /// - Throws: ``StoreError/Code/crypto`` when it does not open (another secret, a moved row).
    public func privateKey(of stored: StoredOPRFKey) throws(StoreError) -> OPRFPrivateKey {
        let cacheKey = "\(stored.tenant.rawValue)/\(stored.name)/\(stored.version)"
        if let cached = cache.withLock({ $0[cacheKey] }) { return cached }
        guard let suite = OPRFSuite(rawValue: stored.suite), stored.sealedKey.count > AESGCM.nonceLength + AESGCM.tagLength else {
            throw StoreError(.corruptDatabase, "OPRF key \(stored.name) v\(stored.version) of \(stored.tenant) is malformed")
        }
        let bytes = stored.sealedKey
        let box = AESGCM.SealedBox(nonce: Array(bytes.prefix(AESGCM.nonceLength)),
                                   ciphertext: Array(bytes.dropFirst(AESGCM.nonceLength).dropLast(AESGCM.tagLength)),
                                   tag: Array(bytes.suffix(AESGCM.tagLength)))
        let key: OPRFPrivateKey
        do {
            var raw = try AESGCM.open(box, key: sealingKey,
                                      authenticating: Self.associatedData(tenant: stored.tenant, name: stored.name, suite: suite,
                                                                          mode: stored.mode))
            key = try OPRFPrivateKey(serialized: SecretBytes(consuming: &raw), suite: suite)
        } catch {
            throw StoreError(.crypto, "OPRF key \(stored.name) v\(stored.version) of \(stored.tenant) does not open with this host's privacy secret")
        }
        guard key.publicKey.serialized == stored.publicKey else {
            throw StoreError(.corruptDatabase, "OPRF key \(stored.name) v\(stored.version) of \(stored.tenant) does not match its public key")
        }
        cache.withLock { $0[cacheKey] = key }
        return key
    }
}
