import Foundation
import PavilionCore
import PavilionHSM
import PavilionHost
import PavilionStore

/// `pavilion keys … --signing`, `keys rotate`, `keys retire`: the credential
/// signing keys' lifecycle. Keys are made in the key store the
/// configuration's `credentials.keys` names (non-extractable in an HSM,
/// sealed at rest in the software store) and recorded in the store's key
/// registry, which a serving host re-reads (SIGHUP, or every
/// `credentials.key_refresh_seconds`).
///
/// States: `published` (in the JWKS, not signing yet) → `active` (signing)
/// → `retired` (not signing, in the JWKS until its credentials have
/// expired: retirement + `lifetime_seconds`) → `dropped`.
extension KeysCommand {
    static let signingUsage = """
        keys create --signing --region R [--alg ES256|EdDSA] [--label L] [--now] | list --signing | \
        rotate --region R [--alg ES256|EdDSA] [--label L] [--now] | retire KID   (with --config FILE)
        """

    /// The configuration, store and key source a signing-key command works on.
    struct SigningContext {
        var credentials: CredentialsConfiguration
        var store: SQLiteStore
        var source: SigningKeySource
    }

    static func signingContext(_ args: Arguments) throws -> SigningContext {
        guard let path = args.option("config") else {
            throw UsageError("signing keys need --config FILE (its credentials: section says where keys live)")
        }
        guard args.option("data") == nil else { throw UsageError("give --config, not --data, for signing keys") }
        let configuration: HostConfiguration
        do { configuration = try HostConfiguration.load(path: path) } catch {
            throw CommandError("\(error)")
        }
        guard let credentials = configuration.credentials else {
            throw CommandError("\(path) has no credentials: section, so there are no signing keys")
        }
        let store = try DataLocation.openStore(configuration.dataDirectory, create: true)
        let source: SigningKeySource
        do { source = try SigningKeySource.open(credentials.keys) } catch {
            throw CommandError("cannot open the signing keys: \(error)")
        }
        let context = SigningContext(credentials: credentials, store: store, source: source)
        try Blocking.run {
            try await SigningKeyRegistry.adoptConfiguredKeys(credentials, source: source, store: store, now: Date())
        }
        return context
    }

    static func signingJSON(_ key: SigningKeyRecord, lifetime: Int, now: Date) -> JSONValue {
        .object([
            "kid": .string(key.kid), "label": .string(key.label), "region": .string(key.region), "alg": .string(key.algorithm),
            "state": .string(key.state(at: now, lifetime: TimeInterval(lifetime)).rawValue),
            "published_at": .string(OperatorCommand.timestamp(key.publishedAt)),
            "activates_at": .string(OperatorCommand.timestamp(key.activatesAt)),
            "retired_at": key.retiredAt.map { .string(OperatorCommand.timestamp($0)) } ?? .null,
            "dropped_at": key.retiredAt.map { .string(OperatorCommand.timestamp($0.addingTimeInterval(TimeInterval(lifetime)))) } ?? .null,
        ])
    }

    static func algorithm(_ args: Arguments) throws -> SigningAlgorithm {
        switch args.option("alg") ?? "ES256" {
        case "ES256": return .es256
        case "EdDSA": return .edDSA
        case let other: throw UsageError("--alg must be ES256 or EdDSA, not \(other)")
        }
    }

    static let signingOptions = DataLocation.options.union(["region", "alg", "label"])

    static func signingList(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json", "signing"], options: DataLocation.options)
        guard args.positional.isEmpty else { throw UsageError("keys list takes no positional arguments") }
        let context = try signingContext(args)
        let store = context.store
        let keys = try Blocking.run { try await store.signingKeys() }
        let now = Date()
        let lifetime = context.credentials.lifetimeSeconds
        if args.flag("json") {
            Output.out(JSONValue.array(keys.map { signingJSON($0, lifetime: lifetime, now: now) }).prettySerialized)
        } else {
            var table = [["KID", "LABEL", "REGION", "ALG", "STATE", "ACTIVATES", "RETIRED"]]
            for key in keys {
                table.append([key.kid, key.label, key.region, key.algorithm, key.state(at: now, lifetime: TimeInterval(lifetime)).rawValue,
                              OperatorCommand.timestamp(key.activatesAt), key.retiredAt.map(OperatorCommand.timestamp) ?? "-"])
            }
            Output.out(OperatorCommand.table(table))
        }
        return 0
    }

    /// `create --signing` (no key of the kind may be published or active) and `rotate` (one must be active).
    static func signingCreate(_ words: ArraySlice<String>, rotate: Bool) throws -> Int32 {
        let args = try Arguments(words, flags: ["json", "signing", "now"], options: signingOptions)
        let verb = rotate ? "rotate" : "create"
        guard args.positional.isEmpty else { throw UsageError("keys \(verb) takes no positional arguments") }
        guard let region = args.option("region"), !region.isEmpty else { throw UsageError("keys \(verb) needs --region R") }
        let alg = try algorithm(args)
        let context = try signingContext(args)
        let now = Date()
        let lifetime = TimeInterval(context.credentials.lifetimeSeconds)
        let store = context.store
        let existing = try Blocking.run { try await store.signingKeys() }
            .filter { $0.region == region && $0.algorithm == alg.rawValue }
        let live = existing.filter { [.active, .published].contains($0.state(at: now, lifetime: lifetime)) }
        let current = live.filter { $0.state(at: now, lifetime: lifetime) == .active && $0.retiredAt == nil }
        if rotate {
            guard !current.isEmpty else {
                throw CommandError("region \(region) has no active \(alg.rawValue) key to rotate; use `keys create --signing`")
            }
            if let pending = live.first(where: { $0.state(at: now, lifetime: lifetime) == .published }) {
                throw CommandError("key \(pending.kid) of region \(region) is already published and not active yet; wait or retire it")
            }
        } else if let taken = live.first {
            throw CommandError("region \(region) already has \(alg.rawValue) key \(taken.kid) (\(taken.state(at: now, lifetime: lifetime).rawValue)); use `keys rotate`")
        }
        let stamp = String(Int64(now.timeIntervalSince1970))
        let label = args.option("label") ?? "\(DevCredentials.label(for: region))-\(alg.rawValue.lowercased())-\(stamp)"
        let signer: any Signer
        do { signer = try context.source.generate(label: label, algorithm: alg) } catch {
            throw CommandError("cannot create key \(label): \(error)")
        }
        let activates = args.flag("now") ? now : now.addingTimeInterval(TimeInterval(context.credentials.keyPublishLeadSeconds))
        let record = SigningKeyRecord(kid: signer.keyID, label: label, region: region, algorithm: alg.rawValue,
                                      publishedAt: now, activatesAt: activates)
        try Blocking.run {
            try await store.registerSigningKey(record)
            for old in current { try await store.updateSigningKey(kid: old.kid, activatesAt: old.activatesAt, retiredAt: activates) }
        }
        if args.flag("json") {
            var json = signingJSON(record, lifetime: context.credentials.lifetimeSeconds, now: now).objectValue ?? [:]
            json["replaces"] = .array(current.map { .string($0.kid) })
            Output.out(JSONValue.object(json).prettySerialized)
        } else {
            Output.out("\(rotate ? "rotated to" : "created") \(alg.rawValue) key \(record.kid) (label \(label)) for region \(region); "
                       + "published now, signs from \(OperatorCommand.timestamp(activates))"
                       + (current.isEmpty ? "" : "; retires \(current.map(\.kid).joined(separator: ", ")) then"))
        }
        return 0
    }

    static func signingRetire(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json", "signing"], options: DataLocation.options)
        guard args.positional.count == 1, let kid = args.positional.first else {
            throw UsageError("keys retire takes one KID (see `pavilion keys list --signing`)")
        }
        let context = try signingContext(args)
        let store = context.store
        let now = Date()
        let lifetime = TimeInterval(context.credentials.lifetimeSeconds)
        guard let key = try Blocking.run({ try await store.signingKeys() }).first(where: { $0.kid == kid }) else {
            throw CommandError("no signing key \(kid) (see `pavilion keys list --signing`)")
        }
        let state = key.state(at: now, lifetime: lifetime)
        guard state == .active || state == .published else { throw CommandError("signing key \(kid) is already \(state.rawValue)") }
        // Retiring a replacement that never signed cancels the retirement its rotation scheduled.
        let replaced = state == .published
            ? try Blocking.run { try await store.signingKeys() }.filter {
                $0.region == key.region && $0.algorithm == key.algorithm && $0.retiredAt == key.activatesAt && $0.kid != kid
            } : []
        try Blocking.run {
            try await store.updateSigningKey(kid: kid, activatesAt: min(key.activatesAt, now), retiredAt: now)
            for old in replaced { try await store.updateSigningKey(kid: old.kid, activatesAt: old.activatesAt, retiredAt: nil) }
        }
        var retired = key
        retired.activatesAt = min(key.activatesAt, now)
        retired.retiredAt = now
        if args.flag("json") {
            Output.out(signingJSON(retired, lifetime: context.credentials.lifetimeSeconds, now: now).prettySerialized)
        } else {
            Output.out("retired signing key \(kid); it stays in the JWKS until "
                       + OperatorCommand.timestamp(now.addingTimeInterval(lifetime)))
        }
        return 0
    }
}
