import Foundation
import PavilionCore
import PavilionManifest
import PavilionStore

/// Where the operator commands find the data directory: `--data DIR`, or
/// `data_dir` in the YAML file given with `--config FILE` (relative to that
/// file's folder), or `./.pavilion`.
enum DataLocation {
    /// The default data directory, relative to the working directory.
    static let defaultDirectory = ".pavilion"
    /// The options every operator command accepts for it.
    static let options: Set<String> = ["data", "config"]

    /// The data directory the arguments name.
    /// - Throws: ``UsageError`` when both options are given, ``ConfigError``
    ///   (with `path:line:column`) for a config file that cannot be read or
    ///   has no usable `data_dir`.
    static func resolve(_ args: Arguments) throws -> String {
        switch (args.option("data"), args.option("config")) {
        case (.some, .some): throw UsageError("give --data or --config, not both")
        case (.some(let data), nil):
            guard !data.isEmpty else { throw UsageError("--data needs a directory") }
            return data
        case (nil, .some(let config)): return try fromConfig(config)
        case (nil, nil): return defaultDirectory
        }
    }

    /// `data_dir` from the config file at `path`.
    static func fromConfig(_ path: String) throws -> String {
        let document: YAMLDocument
        do {
            document = try YAMLDocument.load(path: path)
        } catch {
            throw ConfigError(diagnostics: error.diagnostics)
        }
        guard case .object(let root) = document.value else {
            throw ConfigError(diagnostics: [Diagnostic(document.location(of: ""),
                                                       "the config file must be a mapping of settings, got \(document.value.typeName)")])
        }
        guard let value = root["data_dir"] else {
            throw ConfigError(diagnostics: [Diagnostic(document.location(of: ""), "missing data_dir: the data directory to use")])
        }
        guard case .string(let dataDir) = value, !dataDir.isEmpty else {
            throw ConfigError(diagnostics: [Diagnostic(document.location(of: "data_dir"),
                                                       "data_dir must be a non-empty path, got " + (value == .string("") ? "an empty string" : value.typeName))])
        }
        if dataDir.hasPrefix("/") { return dataDir }
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? dataDir : (folder as NSString).appendingPathComponent(dataDir)
    }

    /// Open the store in `directory`.
    /// - Parameter create: make the directory and database when missing (for
    ///   commands that set a store up); otherwise a missing one is an error.
    /// - Throws: ``CommandError`` naming the directory and what is wrong.
    static func openStore(_ directory: String, create: Bool) throws -> SQLiteStore {
        let database = (directory as NSString).appendingPathComponent(SQLiteStore.databaseFileName)
        if !create, !FileManager.default.fileExists(atPath: database) {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
            let what = !exists ? "does not exist" : isDirectory.boolValue ? "holds no \(SQLiteStore.databaseFileName)" : "is not a directory"
            throw CommandError("data directory \(directory) \(what); create one with `pavilion tenants create` or `pavilion serve`, or pass --data DIR / --config FILE")
        }
        do {
            return try SQLiteStore(dataDirectory: directory)
        } catch {
            throw CommandError("cannot open the data directory \(directory): \(error.reason)")
        }
    }
}

/// Problems in a config file, printed as `path:line:column: error: message`
/// (exit status 1).
struct ConfigError: Error, CustomStringConvertible {
    var diagnostics: [Diagnostic]
    var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// What the operator commands share: the error boundary and value formats.
enum OperatorCommand {
    /// Run `body`, turning config problems into their diagnostics (without
    /// the `pavilion:` prefix, so editors can jump to them) and store errors
    /// into one line, both with exit status 1.
    static func guarded(_ body: () throws -> Int32) throws -> Int32 {
        do {
            return try body()
        } catch let error as ConfigError {
            Output.err(error.description)
            return 1
        } catch let error as StoreError {
            throw CommandError(error.reason)
        }
    }

    /// A tenant id argument; a malformed one is a usage mistake.
    static func tenantID(_ text: String) throws -> TenantID {
        do {
            return try TenantID(text)
        } catch {
            throw UsageError(error.reason)
        }
    }

    /// Times in output: RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Rows as a left-aligned table, columns two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
