import Foundation
import PavilionCore
import PavilionHost
import PavilionPlugins

/// `pavilion connectors list [--dir DIR] [--json] [--host URL --key KEY [--ca-file PEM]]`:
/// load every manifest in a folder through the host's registry and say what
/// state each is in, with each region's configured endpoints. With `--host`
/// (a serving host and an admin key) each endpoint also shows its live state
/// from `GET /v1/admin/connectivity` (docs/connectivity.md).
enum ConnectorsCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard words.first == "list" else { throw UsageError("connectors needs a subcommand: list") }
        let args = try Arguments(words.dropFirst(), flags: ["json"], options: ["dir", "host", "key", "ca-file"])
        guard args.positional.isEmpty else { throw UsageError("connectors list takes no positional arguments") }
        let directory = URL(fileURLWithPath: args.option("dir") ?? "connectors.d")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError("\(directory.path): no such directory")
        }
        let adminKey = args.option("key") ?? ProcessInfo.processInfo.environment["PAVILION_ADMIN_KEY"]
        if args.option("host") != nil, adminKey == nil {
            throw UsageError("--host needs an admin key: --key KEY or PAVILION_ADMIN_KEY")
        }
        let cache = URL(fileURLWithPath: ConformanceCommand.defaultCache())
        let registry = ConnectorRegistry(loader: LibraryLoader(cacheDirectory: cache), manifests: FileManifestSource())
        registry.reload(directory: directory)
        let statuses = registry.statuses().sorted { $0.name < $1.name }
        let problems = registry.fileProblems.sorted { $0.key < $1.key }
        var live: [String: JSONValue] = [:]
        if let host = args.option("host"), let key = adminKey {
            live = try LiveConnectivity.fetch(host: host, key: key, caFile: args.option("ca-file"))
        }
        let endpoints = Dictionary(uniqueKeysWithValues: statuses.compactMap { status -> (String, [JSONValue])? in
            guard let manifest = registry.instance(named: status.name)?.plugin.manifest else { return nil }
            return (status.name, manifest.regions.flatMap { region in
                region.endpoints.map { url -> JSONValue in
                    var entry: [String: JSONValue] = ["region": .string(region.name), "url": .string(url)]
                    if let state = live["\(status.name) \(EndpointURL(url)?.description ?? url)"] { entry["state"] = state }
                    return .object(entry)
                }
            })
        })
        if args.flag("json") {
            var entries = statuses.map { status -> JSONValue in
                var entry = json(status)
                if case .object(var members) = entry, let list = endpoints[status.name] {
                    members["endpoints"] = .array(list)
                    entry = .object(members)
                }
                return entry
            }
            entries += problems.map { file, reason in
                ["name": .null, "file": .string(file), "state": "failed", "reason": .string(reason)]
            }
            Output.out(JSONValue.array(entries).prettySerialized)
        } else {
            var text = table(statuses, problems)
            for status in statuses {
                for endpoint in endpoints[status.name] ?? [] {
                    let region = endpoint["region"]?.stringValue ?? "", url = endpoint["url"]?.stringValue ?? ""
                    let state = endpoint["state"]?["state"]?.stringValue.map { "  \($0)" } ?? ""
                    text += "\n  \(status.name) \(region) \(url)\(state)"
                }
            }
            Output.out(text)
        }
        return 0
    }

    static func json(_ status: ConnectorStatus) -> JSONValue {
        var entry: [String: JSONValue] = ["name": .string(status.name), "file": .string(status.file)]
        switch status.state {
        case .loaded(let version, let claims, let regions):
            entry["state"] = "loaded"
            entry["version"] = .string(version)
            entry["claims"] = .array(claims.map(JSONValue.string))
            entry["regions"] = .array(regions.map(JSONValue.string))
        case .failed(let reason):
            entry["state"] = "failed"
            entry["reason"] = .string(reason)
        case .draining:
            entry["state"] = "draining"
        }
        if let last = status.lastFailure { entry["last_failure"] = .string(last) }
        return .object(entry)
    }

    static func table(_ statuses: [ConnectorStatus], _ problems: [(key: String, value: String)]) -> String {
        var rows: [[String]] = [["NAME", "VERSION", "STATE", "CLAIMS", "REGIONS"]]
        var notes: [String] = []
        for status in statuses {
            switch status.state {
            case .loaded(let version, let claims, let regions):
                rows.append([status.name, version, "loaded", claims.joined(separator: ","), regions.joined(separator: ",")])
            case .failed(let reason):
                rows.append([status.name, "-", "failed", "-", "-"])
                notes.append("\(status.name): \(reason)")
            case .draining:
                rows.append([status.name, "-", "draining", "-", "-"])
            }
            if let last = status.lastFailure { notes.append("\(status.name): last reload failed: \(last)") }
        }
        for (file, reason) in problems { notes.append("\(file): \(reason)") }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines += notes
        return lines.joined(separator: "\n")
    }
}
