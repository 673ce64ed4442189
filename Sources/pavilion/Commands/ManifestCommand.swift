import Foundation
import PavilionCore
import PavilionCrypto
import PavilionManifest

/// `pavilion manifest lint|pin PATH...`.
enum ManifestCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("manifest needs a subcommand: lint or pin") }
        let args = try Arguments(words.dropFirst())
        guard !args.positional.isEmpty else { throw UsageError("manifest \(sub) needs at least one PATH") }
        switch sub {
        case "lint": return try lint(args.positional)
        case "pin": return try pin(args.positional)
        default: throw UsageError("unknown manifest subcommand '\(sub)' (lint, pin)")
        }
    }

    /// The manifest files named by `paths`: files as given, folders expanded
    /// to the manifests directly inside them.
    static func manifestFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandError("\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                files += try ManifestLoader.manifestFiles(in: path)
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Print every problem as `path:line:column: error: message`; exit 1 if
    /// any file has one.
    static func lint(_ paths: [String]) throws -> Int32 {
        let files = try manifestFiles(paths)
        var problems = 0
        for file in files {
            let diagnostics = ManifestChecks.lint(file)
            problems += diagnostics.count
            for diagnostic in diagnostics { Output.out(diagnostic.description) }
        }
        Output.err("\(files.count) manifest(s) checked, \(problems) problem(s)")
        return problems == 0 ? 0 : 1
    }

    /// Write each manifest's library's current SHA-256 into its
    /// `spec.library.sha256`, changing nothing else in the file.
    static func pin(_ paths: [String]) throws -> Int32 {
        var status: Int32 = 0
        for file in try manifestFiles(paths) {
            do {
                let manifest = try ManifestLoader.load(path: file)
                let actual = try SHA256.hexOfFile(atPath: manifest.library.path)
                guard actual != manifest.library.sha256 else { continue }
                try ManifestPin.rewrite(file: file, manifest: manifest, sha256: actual)
                Output.err("\(file): pinned \(manifest.library.declaredPath) to \(actual)")
            } catch let error as ManifestError {
                Output.out(error.description)
                status = 1
            } catch {
                Output.out("\(file): error: \(error)")
                status = 1
            }
        }
        return status
    }
}

/// A failure of a command that is not a usage mistake; exit status 1.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
