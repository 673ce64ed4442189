import Foundation

/// `pavilion connector new NAME --lang c|swift`: a connector, its manifest,
/// a recorded fixture and a build script that pins the library, which pass
/// `pavilion connector test` as written.
enum ConnectorScaffold {
    static func run(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, options: ["lang", "dir", "kit"])
        guard args.positional.count == 1, let name = args.positional.first else {
            throw UsageError("connector new needs exactly one NAME")
        }
        guard name.range(of: "^[a-z][a-z0-9-]{0,62}$", options: .regularExpression) != nil else {
            throw UsageError("connector name '\(name)' must match ^[a-z][a-z0-9-]{0,62}$ (it becomes metadata.name)")
        }
        guard let lang = args.option("lang"), ["c", "swift"].contains(lang) else {
            throw UsageError("connector new needs --lang c or --lang swift")
        }
        let kit = try args.option("kit").map { try checkedKit($0) } ?? findKit()
        let parent = args.option("dir") ?? "."
        let root = URL(fileURLWithPath: parent).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: root.path) else {
            throw CommandError("\(root.path) already exists; not overwriting it")
        }
        let files = try self.files(name: name, lang: lang, kit: kit)
        // Write into a temporary folder and rename it into place, so a failure
        // never leaves half a scaffold behind.
        let staging = URL(fileURLWithPath: parent).appendingPathComponent(".\(name).scaffold-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            for (path, content) in files {
                let url = staging.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(content.utf8).write(to: url)
                if path == "build.sh" {
                    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
                }
            }
            try FileManager.default.moveItem(at: staging, to: root)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        Output.out("created \(root.path) (\(lang) connector '\(name)')")
        Output.out("next: \(root.path)/build.sh && pavilion connector test \(root.path)/\(name).yaml")
        return 0
    }

    /// Relative path → content of every file the scaffold writes.
    static func files(name: String, lang: String, kit: URL) throws -> [(String, String)] {
        var files: [(String, String)] = [
            ("\(name).yaml", ManifestTemplate.manifest(name: name, lang: lang)),
            ("fixtures/\(name).json", ManifestTemplate.fixture()),
        ]
        switch lang {
        case "c":
            let cjson = kit.appendingPathComponent("Plugins/PavilionCJSON")
            files += [
                ("src/connector.c", CTemplate.source(name: name)),
                ("src/pv_json.c", try String(contentsOf: cjson.appendingPathComponent("pv_json.c"), encoding: .utf8)),
                ("src/pv_json.h", try String(contentsOf: cjson.appendingPathComponent("include/pv_json.h"), encoding: .utf8)),
                ("build.sh", CTemplate.buildScript(name: name, kit: kit.path)),
            ]
        default:
            let typeName = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Connector"
            files += [
                ("Package.swift", SwiftTemplate.package(name: name, typeName: typeName, kit: kit.path)),
                ("Sources/\(typeName)/\(typeName).swift", SwiftTemplate.connector(name: name, typeName: typeName)),
                ("Sources/\(typeName)/Entry.swift", SwiftTemplate.entry(typeName: typeName)),
                ("build.sh", SwiftTemplate.buildScript(name: name)),
                (".gitignore", ".build/\nlib/\nPackage.resolved\n"),
            ]
        }
        return files
    }

    /// The Pavilion checkout that holds the header and the kits, found by
    /// walking up from this executable.
    static func findKit() throws -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" {
            if let kit = try? checkedKit(dir.path) { return kit }
            dir.deleteLastPathComponent()
        }
        throw CommandError("cannot find the Pavilion checkout (include/pavilion/connector.h); pass --kit PATH")
    }

    static func checkedKit(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        for needed in ["include/pavilion/connector.h", "Plugins/PavilionConnectorKit", "Plugins/PavilionCJSON/pv_json.c"]
        where !FileManager.default.fileExists(atPath: url.appendingPathComponent(needed).path) {
            throw CommandError("\(url.path) is not a Pavilion checkout: \(needed) is missing")
        }
        return url
    }
}
