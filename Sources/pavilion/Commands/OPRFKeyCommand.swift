import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHost
import PavilionPrivacy
import PavilionStore

/// `pavilion privacy oprf-key create|rotate|list`: OPRF keys per tenant and
/// name (purpose) in the data directory's store, sealed under a key derived
/// from the host's privacy secret (`privacy.secret_file`, default
/// `<data_dir>/privacy.key`, made when missing). `rotate` adds the next
/// version and retires the one in use; the host evaluates with the newest.
enum OPRFKeyCommand {
    static let usage = "privacy oprf-key create TENANT NAME [--suite P256-SHA256|P384-SHA384] [--mode oprf|voprf|poprf] | rotate TENANT NAME | list TENANT  [--data DIR | --config FILE] [--secret-file FILE] [--json]"

    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("privacy oprf-key needs a subcommand: \(usage)") }
        let args = try Arguments(words.dropFirst(), flags: ["json"], options: DataLocation.options.union(["suite", "mode", "secret-file"]))
        return try OperatorCommand.guarded {
            switch sub {
            case "create", "rotate":
                guard args.positional.count == 2 else { throw UsageError("privacy oprf-key \(sub) takes TENANT NAME") }
                return try add(args, rotate: sub == "rotate")
            case "list":
                guard args.positional.count == 1 else { throw UsageError("privacy oprf-key list takes TENANT") }
                return try list(args)
            default:
                throw UsageError("unknown privacy oprf-key subcommand '\(sub)' (create, rotate, list)")
            }
        }
    }

    /// `pavilion privacy log-key [--data DIR | --config FILE] [--secret-file FILE]`:
    /// print the transparency log's public key — the `privacy.log_key` of
    /// the config's key source, else the key derived from the privacy
    /// secret — in the form `privacy receipt verify --key` takes.
    static func logKey(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words[...], flags: [], options: DataLocation.options.union(["secret-file"]))
        guard args.positional.isEmpty else { throw UsageError("privacy log-key takes no arguments") }
        return try OperatorCommand.guarded {
            if let config = args.option("config"), args.option("secret-file") == nil {
                let configuration: HostConfiguration
                do throws(HostConfigurationError) { configuration = try HostConfiguration.load(path: config) } catch { throw ConfigError(diagnostics: error.diagnostics) }
                if let label = configuration.privacy?.logKey, let credentials = configuration.credentials {
                    // The log signs with a key of the credentials key source (software store or HSM).
                    let key: LogPublicKey
                    do {
                        let signer = try SigningKeySource.open(credentials.keys).signer(label: label)
                        key = try HSMLogSigner(signer: signer).publicKey
                    } catch {
                        throw CommandError("privacy.log_key \(label): \(error)")
                    }
                    Output.out(key.json.prettySerialized)
                    return 0
                }
            }
            let path = try secretPath(args)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandError("no privacy secret at \(path): start the host once (it makes one) or give --secret-file")
            }
            let key: LogPublicKey
            do throws(HostServiceError) { key = try PrivacySecret.loadOrCreate(path: path).logPublicKey() } catch {
                throw CommandError(error.reason)
            }
            Output.out(key.json.prettySerialized)
            return 0
        }
    }

    /// The privacy secret's file: `--secret-file`, the config's `privacy.secret_file`, or `<data_dir>/privacy.key`.
    private static func secretPath(_ args: Arguments) throws -> String {
        if let file = args.option("secret-file") { return file }
        if let config = args.option("config") {
            let configured: String?
            do { configured = try HostConfiguration.load(path: config).privacy?.secretFile } catch {
                throw ConfigError(diagnostics: error.diagnostics)
            }
            if let configured { return configured }
        }
        return (try DataLocation.resolve(args) as NSString).appendingPathComponent(PrivacySecret.defaultFileName)
    }

    /// The store and the key manager the arguments name.
    private static func open(_ args: Arguments) throws -> (SQLiteStore, OPRFKeyManager) {
        let directory = try DataLocation.resolve(args)
        let secretFile = try secretPath(args)
        let store = try DataLocation.openStore(directory, create: false)
        do {
            let secret = try PrivacySecret.loadOrCreate(path: secretFile)
            return (store, try OPRFKeyManager(store: store, secret: secret))
        } catch {
            throw CommandError(error.reason)
        }
    }

    static func json(_ key: StoredOPRFKey) -> JSONValue {
        ["tenant": .string(key.tenant.rawValue), "name": .string(key.name), "version": .int(key.version),
         "suite": .string(key.suite), "mode": .string(key.mode), "public_key": .string(Hex.encode(key.publicKey)),
         "created_at": .string(OperatorCommand.timestamp(key.createdAt)),
         "retired_at": key.retiredAt.map { .string(OperatorCommand.timestamp($0)) } ?? .null]
    }

    private static func add(_ args: Arguments, rotate: Bool) throws -> Int32 {
        let tenant = try OperatorCommand.tenantID(args.positional[0])
        let name = args.positional[1]
        var suite = OPRFSuite.p256SHA256
        var mode = OPRFMode.voprf
        if rotate, args.option("suite") != nil || args.option("mode") != nil {
            throw UsageError("rotate keeps the key's suite and mode; give --suite and --mode to create")
        }
        if let text = args.option("suite") {
            guard let s = OPRFSuite(rawValue: text) else { throw UsageError("--suite must be P256-SHA256 or P384-SHA384") }
            suite = s
        }
        if let text = args.option("mode") {
            guard let m = OPRFKeyManager.mode(named: text) else { throw UsageError("--mode must be oprf, voprf or poprf") }
            mode = m
        }
        let (store, keys) = try open(args)
        let (chosenSuite, chosenMode) = (suite, mode)
        let stored = try Blocking.run { () async throws -> StoredOPRFKey in
            if rotate {
                guard let current = try await store.oprfKey(tenant: tenant, name: name),
                      let s = OPRFSuite(rawValue: current.suite), let m = OPRFKeyManager.mode(named: current.mode) else {
                    throw CommandError("tenant \(tenant) has no OPRF key \(name) to rotate (see `pavilion privacy oprf-key list \(tenant)`)")
                }
                return try await keys.add(tenant: tenant, name: name, suite: s, mode: m, rotate: true)
            }
            return try await keys.add(tenant: tenant, name: name, suite: chosenSuite, mode: chosenMode, rotate: false)
        }
        if args.flag("json") {
            Output.out(json(stored).prettySerialized)
        } else {
            Output.out("\(rotate ? "rotated" : "created") OPRF key \(stored.name) v\(stored.version) of tenant \(tenant) "
                       + "(\(stored.suite), \(stored.mode)); public key \(Hex.encode(stored.publicKey))")
        }
        return 0
    }

    private static func list(_ args: Arguments) throws -> Int32 {
        let tenant = try OperatorCommand.tenantID(args.positional[0])
        let (store, _) = try open(args)
        let keys = try Blocking.run { try await store.oprfKeys(tenant: tenant) }
        if args.flag("json") {
            Output.out(JSONValue.object(["keys": .array(keys.map(json))]).prettySerialized)
        } else {
            var rows = [["NAME", "VERSION", "SUITE", "MODE", "STATE", "CREATED"]]
            for key in keys {
                rows.append([key.name, String(key.version), key.suite, key.mode, key.retiredAt == nil ? "in use" : "retired",
                             OperatorCommand.timestamp(key.createdAt)])
            }
            Output.out(OperatorCommand.table(rows))
        }
        return 0
    }
}
