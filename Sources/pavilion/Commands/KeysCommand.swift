import Foundation
import PavilionCore
import PavilionStore

/// `pavilion keys create|list|revoke`: API keys in the data directory's store.
/// A key's token is printed once, by `create`; the store keeps its hash only.
/// With `--signing`, and for `rotate` and `retire`: credential signing keys
/// (see `KeysCommand+Signing.swift`).
enum KeysCommand {
    static let usage = "keys create (--tenant ID | --admin) [--label L] | list [--tenant ID] | revoke KEY_ID | " + signingUsage
    /// The label of a key created without `--label`.
    static let defaultLabel = "cli"

    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("keys needs a subcommand: \(usage)") }
        let rest = words.dropFirst()
        return try OperatorCommand.guarded {
            let signing = rest.contains("--signing")
            switch sub {
            case "create": return signing ? try signingCreate(rest, rotate: false) : try create(rest)
            case "list": return signing ? try signingList(rest) : try list(rest)
            case "revoke": return try revoke(rest)
            case "rotate": return try signingCreate(rest, rotate: true)
            case "retire": return try signingRetire(rest)
            default: throw UsageError("unknown keys subcommand '\(sub)' (create, list, revoke, rotate, retire)")
            }
        }
    }

    /// Everything about a key but its secret.
    static func json(_ key: APIKey) -> JSONValue { .object(fields(key)) }

    static func fields(_ key: APIKey) -> [String: JSONValue] {
        ["id": .string(key.id.rawValue), "kind": .string(key.kind.rawValue),
         "tenant": key.tenantID.map { .string($0.rawValue) } ?? .null, "label": .string(key.label),
         "prefix": .string(key.prefix), "created_at": .string(OperatorCommand.timestamp(key.createdAt)),
         "revoked_at": key.revokedAt.map { .string(OperatorCommand.timestamp($0)) } ?? .null]
    }

    static func create(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json", "admin"], options: DataLocation.options.union(["tenant", "label"]))
        guard args.positional.isEmpty else { throw UsageError("keys create takes no positional arguments") }
        let label = args.option("label") ?? defaultLabel
        let tenant: TenantID?
        switch (args.flag("admin"), args.option("tenant")) {
        case (true, nil): tenant = nil
        case (false, .some(let text)): tenant = try OperatorCommand.tenantID(text)
        case (true, .some): throw UsageError("keys create takes --tenant ID or --admin, not both")
        case (false, nil): throw UsageError("keys create needs --tenant ID or --admin")
        }
        // An admin key may be the first thing made in a new data directory;
        // a tenant key needs its tenant, hence an existing store.
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: tenant == nil)
        let issued = try Blocking.run { () async throws -> IssuedAPIKey in
            if let tenant, try await store.tenant(id: tenant) == nil {
                throw CommandError("no tenant \(tenant) in \(store.dataDirectory) (see `pavilion tenants list`)")
            }
            return try await store.createAPIKey(kind: tenant == nil ? .admin : .tenant, tenant: tenant, label: label)
        }
        Output.err("warning: this is the only time the key is shown; store it now (Pavilion keeps only its hash)")
        if args.flag("json") {
            var object = fields(issued.key)
            object["token"] = .string(issued.token)
            Output.out(JSONValue.object(object).prettySerialized)
        } else {
            Output.err("created \(issued.key.kind.rawValue) key \(issued.key.id)"
                       + (tenant.map { " for tenant \($0)" } ?? "") + " (label \(label))")
            Output.out(issued.token)
        }
        return 0
    }

    static func list(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options.union(["tenant"]))
        guard args.positional.isEmpty else { throw UsageError("keys list takes no positional arguments") }
        let tenant = try args.option("tenant").map(OperatorCommand.tenantID)
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: false)
        let keys = try Blocking.run { () async throws -> [APIKey] in
            if let tenant {
                guard try await store.tenant(id: tenant) != nil else {
                    throw CommandError("no tenant \(tenant) in \(store.dataDirectory) (see `pavilion tenants list`)")
                }
                return try await store.apiKeys(tenant: tenant)
            }
            var keys = try await store.apiKeys(tenant: nil)
            for tenant in try await store.tenants() { keys += try await store.apiKeys(tenant: tenant.id) }
            return keys
        }
        if args.flag("json") {
            Output.out(JSONValue.array(keys.map(json)).prettySerialized)
        } else {
            var table = [["ID", "KIND", "TENANT", "LABEL", "PREFIX", "CREATED", "REVOKED"]]
            for key in keys {
                table.append([key.id.rawValue, key.kind.rawValue, key.tenantID?.rawValue ?? "-", key.label,
                              "pvk_\(key.prefix)_…", OperatorCommand.timestamp(key.createdAt),
                              key.revokedAt.map(OperatorCommand.timestamp) ?? "-"])
            }
            Output.out(OperatorCommand.table(table))
        }
        return 0
    }

    static func revoke(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options)
        guard args.positional.count == 1, let text = args.positional.first else {
            throw UsageError("keys revoke takes one KEY_ID (see `pavilion keys list`)")
        }
        let id: APIKeyID
        do {
            id = try APIKeyID(text)
        } catch {
            throw UsageError(error.reason)
        }
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: false)
        do {
            try Blocking.run { try await store.revokeAPIKey(id: id) }
        } catch let error as StoreError where error.code == .notFound {
            throw CommandError("no API key \(id) in \(store.dataDirectory) (see `pavilion keys list`)")
        }
        if args.flag("json") {
            Output.out(JSONValue.object(["id": .string(id.rawValue), "revoked": true]).prettySerialized)
        } else {
            Output.out("revoked key \(id)")
        }
        return 0
    }
}
