import Foundation
import PavilionCore
import PavilionStore

/// `pavilion tenants create|list|disable|enable|enable-connector|disable-connector`:
/// manage tenants in the data directory's store.
enum TenantsCommand {
    static let usage = "tenants create ID [--name NAME] [--connectors a,b] | list | disable ID | enable ID | enable-connector ID CONNECTOR | disable-connector ID CONNECTOR"

    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("tenants needs a subcommand: \(usage)") }
        let rest = words.dropFirst()
        return try OperatorCommand.guarded {
            switch sub {
            case "create": return try create(rest)
            case "list": return try list(rest)
            case "disable": return try setStatus(rest, .disabled, verb: "disable")
            case "enable": return try setStatus(rest, .active, verb: "enable")
            case "enable-connector": return try setConnector(rest, enabled: true, verb: "enable-connector")
            case "disable-connector": return try setConnector(rest, enabled: false, verb: "disable-connector")
            default: throw UsageError("unknown tenants subcommand '\(sub)' (create, list, disable, enable, enable-connector, disable-connector)")
            }
        }
    }

    static func json(_ tenant: Tenant, connectors: [String]) -> JSONValue {
        ["id": .string(tenant.id.rawValue), "name": .string(tenant.name), "status": .string(tenant.status.rawValue),
         "created_at": .string(OperatorCommand.timestamp(tenant.createdAt)), "connectors": .array(connectors.map(JSONValue.string))]
    }

    /// The tenant named by `text`, which must exist.
    static func existing(_ text: String, in store: SQLiteStore) throws -> Tenant {
        let id = try OperatorCommand.tenantID(text)
        guard let tenant = try Blocking.run({ try await store.tenant(id: id) }) else {
            throw CommandError("no tenant \(id) in \(store.dataDirectory) (see `pavilion tenants list`)")
        }
        return tenant
    }

    static func create(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options.union(["name", "connectors"]))
        guard args.positional.count == 1, let text = args.positional.first else {
            throw UsageError("tenants create takes one tenant ID")
        }
        let id = try OperatorCommand.tenantID(text)
        let connectors = (args.option("connectors") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let name = args.option("name") ?? id.rawValue
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: true)
        let tenant = try Blocking.run { () async throws -> Tenant in
            if try await store.tenant(id: id) != nil {
                throw CommandError("tenant \(id) already exists in \(store.dataDirectory)")
            }
            let tenant = try await store.createTenant(id: id, name: name)
            for connector in connectors {
                try await store.setConnector(connector, enabled: true, for: id)
            }
            return tenant
        }
        let enabled = try Blocking.run { try await store.enabledConnectors(for: id) }
        if args.flag("json") {
            Output.out(json(tenant, connectors: enabled).prettySerialized)
        } else {
            Output.out("created tenant \(id) (\(tenant.name))" + (enabled.isEmpty ? "" : "; connectors: \(enabled.joined(separator: ", "))"))
        }
        return 0
    }

    static func list(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options)
        guard args.positional.isEmpty else { throw UsageError("tenants list takes no positional arguments") }
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: false)
        let rows = try Blocking.run { () async throws -> [(Tenant, [String])] in
            var rows: [(Tenant, [String])] = []
            for tenant in try await store.tenants() {
                rows.append((tenant, try await store.enabledConnectors(for: tenant.id)))
            }
            return rows
        }
        if args.flag("json") {
            Output.out(JSONValue.array(rows.map { json($0.0, connectors: $0.1) }).prettySerialized)
        } else {
            var table = [["ID", "NAME", "STATUS", "CONNECTORS", "CREATED"]]
            for (tenant, connectors) in rows {
                table.append([tenant.id.rawValue, tenant.name, tenant.status.rawValue,
                              connectors.isEmpty ? "-" : connectors.joined(separator: ","), OperatorCommand.timestamp(tenant.createdAt)])
            }
            Output.out(OperatorCommand.table(table))
        }
        return 0
    }

    static func setStatus(_ words: ArraySlice<String>, _ status: TenantStatus, verb: String) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options)
        guard args.positional.count == 1, let text = args.positional.first else {
            throw UsageError("tenants \(verb) takes one tenant ID")
        }
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: false)
        let tenant = try existing(text, in: store)
        try Blocking.run { try await store.setTenantStatus(status, for: tenant.id) }
        let updated = try existing(text, in: store)
        let connectors = try Blocking.run { try await store.enabledConnectors(for: tenant.id) }
        if args.flag("json") {
            Output.out(json(updated, connectors: connectors).prettySerialized)
        } else {
            Output.out("\(verb)d tenant \(tenant.id)" + (status == .disabled ? "; its keys are refused until it is enabled" : ""))
        }
        return 0
    }

    static func setConnector(_ words: ArraySlice<String>, enabled: Bool, verb: String) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options)
        guard args.positional.count == 2 else { throw UsageError("tenants \(verb) takes a tenant ID and a CONNECTOR") }
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: false)
        let tenant = try existing(args.positional[0], in: store)
        let connector = args.positional[1]
        try Blocking.run { try await store.setConnector(connector, enabled: enabled, for: tenant.id) }
        let connectors = try Blocking.run { try await store.enabledConnectors(for: tenant.id) }
        if args.flag("json") {
            Output.out(json(tenant, connectors: connectors).prettySerialized)
        } else {
            Output.out("\(enabled ? "enabled" : "disabled") connector \(connector) for tenant \(tenant.id); enabled: "
                       + (connectors.isEmpty ? "none" : connectors.joined(separator: ", ")))
        }
        return 0
    }
}
