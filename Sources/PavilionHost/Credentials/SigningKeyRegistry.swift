import Foundation
import PavilionHSM
import PavilionStore
import Synchronization

/// The serving host's view of the signing key registry: the store's key
/// records (published → active → retired → dropped, by their times) with
/// their signers opened, as a ``SigningKeyring`` snapshot. Keys created or
/// rotated by `pavilion keys` in another process are picked up by
/// ``refresh()`` (on SIGHUP, and at most every `key_refresh_seconds` when
/// the keyring is read through ``currentRefreshing()``).
///
/// On opening, each key the configuration names for a region
/// (`credentials.regions`) that the registry does not hold yet is adopted
/// as active from now, retiring the key it replaces, so a configuration
/// written before the registry existed keeps signing with the same keys.
public final class SigningKeyRegistry: Sendable {
    private struct State {
        var keyring: SigningKeyring
        /// When the registry was last read; `nil` before the first read (adoption happens then).
        var refreshedAt: ContinuousClock.Instant?
    }

    private let configuration: CredentialsConfiguration
    private let source: SigningKeySource
    private let store: (any CredentialStore)?
    private let state: Mutex<State>
    private let refreshing = Mutex<Bool>(false)

    /// Open the key source and the configured keys. The registry itself is
    /// read (and the configured keys adopted) by the first ``refresh()``;
    /// until then the configured keys sign.
    /// - Parameters:
    ///   - configuration: the `credentials:` section.
    ///   - store: the store's key registry; `nil` to sign with the configured keys only.
    /// - Throws: ``SignerError`` for a key that cannot be opened.
    /// A key of the same source that is not a credential key (the privacy
    /// receipt log's `privacy.log_key`); never in the JWKS.
    public func sourceSigner(label: String) throws(SignerError) -> any Signer { try source.signer(label: label) }

    public init(_ configuration: CredentialsConfiguration, store: (any CredentialStore)?) throws(SignerError) {
        self.configuration = configuration
        source = try SigningKeySource.open(configuration.keys)
        self.store = store
        state = Mutex(State(keyring: try SigningKeyring.open(configuration), refreshedAt: nil))
    }

    /// The keyring as last loaded.
    public var current: SigningKeyring { state.withLock { $0.keyring } }

    /// The keyring, re-read from the store first when it was never read or
    /// the last read is older than `key_refresh_seconds`.
    public func currentRefreshing() async -> SigningKeyring {
        let due = state.withLock { state in
            state.refreshedAt.map { ContinuousClock.now - $0 >= .seconds(configuration.keyRefreshSeconds) } ?? true
        }
        if due { try? await refresh() }
        return current
    }

    /// Read the registry (adopting the configured keys on the first read)
    /// and open the signers of keys new to this process.
    /// - Parameter now: the moment adopted keys become active.
    /// - Throws: ``SignerError`` when a key cannot be opened or the store
    ///   cannot be read (the old keyring stays).
    public func refresh(now: Date = Date()) async throws(SignerError) {
        guard let store else { return }
        let first = refreshing.withLock { busy -> Bool in
            defer { busy = true }
            return !busy
        }
        guard first else { return }
        defer { refreshing.withLock { $0 = false } }
        if state.withLock({ $0.refreshedAt == nil }) {
            do {
                try await Self.adoptConfiguredKeys(configuration, source: source, store: store, now: now)
            } catch let error as SignerError {
                throw error
            } catch {
                throw SignerError(.keyStoreCorrupt, reason: "cannot read the signing key registry: \(error)")
            }
        }
        let keyring = try await Self.load(configuration, source: source, store: store, previous: current)
        state.withLock { $0 = State(keyring: keyring, refreshedAt: .now) }
    }

    private static func load(_ configuration: CredentialsConfiguration, source: SigningKeySource, store: any CredentialStore,
                             previous: SigningKeyring?) async throws(SignerError) -> SigningKeyring {
        let records: [SigningKeyRecord]
        do { records = try await store.signingKeys() } catch {
            throw SignerError(.keyStoreCorrupt, reason: "cannot read the signing key registry: \(error)")
        }
        var entries: [SigningKeyring.RegisteredKey] = []
        let known = Dictionary((previous?.entries ?? []).map { ($0.record.kid, $0.signer) }, uniquingKeysWith: { a, _ in a })
        for record in records {
            if record.state(at: Date(), lifetime: TimeInterval(configuration.lifetimeSeconds)) == .dropped { continue }
            let signer: any Signer
            if let cached = known[record.kid] {
                signer = cached
            } else {
                signer = try source.signer(label: record.label)
                guard signer.keyID == record.kid else {
                    throw SignerError(.keyStoreCorrupt, reason: "key \"\(record.label)\" has kid \(signer.keyID), the registry says \(record.kid)")
                }
            }
            entries.append(SigningKeyring.RegisteredKey(record: record, signer: signer))
        }
        return SigningKeyring(issuer: configuration.issuer, lifetimeSeconds: configuration.lifetimeSeconds, regions: [:],
                              entries: entries)
    }

    /// Register each key the configuration names that the registry lacks as active from `now`,
    /// retiring the active key of the same region and algorithm it replaces.
    /// - Throws: ``SignerError`` for a key that cannot be opened or has the wrong algorithm; store errors.
    public static func adoptConfiguredKeys(_ configuration: CredentialsConfiguration, source: SigningKeySource,
                                            store: any CredentialStore, now: Date) async throws {
        var records = try await store.signingKeys()
        for (region, labels) in configuration.regions.sorted(by: { $0.key < $1.key }) {
            for (label, algorithm) in [(labels.es256, SigningAlgorithm.es256), (labels.edDSA, .edDSA)] {
                guard let label, !records.contains(where: { $0.label == label }) else { continue }
                let signer = try source.signer(label: label)
                guard signer.algorithm == algorithm else {
                    throw SignerError(.unsupportedAlgorithm, reason: "key \"\(label)\" of region \(region) is \(signer.algorithm.rawValue), not \(algorithm.rawValue)")
                }
                for old in records where old.region == region && old.algorithm == algorithm.rawValue
                    && old.state(at: now, lifetime: TimeInterval(configuration.lifetimeSeconds)) == .active {
                    try await store.updateSigningKey(kid: old.kid, activatesAt: old.activatesAt, retiredAt: now)
                }
                let record = SigningKeyRecord(kid: signer.keyID, label: label, region: region, algorithm: algorithm.rawValue,
                                              publishedAt: now, activatesAt: now)
                try await store.registerSigningKey(record)
                records = try await store.signingKeys()
            }
        }
    }
}
