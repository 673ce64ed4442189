import Foundation
import PavilionCore

/// Reads connector manifests: YAML text in, a validated ``Manifest`` out, or
/// every problem in the file with its `file:line:column`.
///
/// Loading is all-or-nothing per file. The rules are described in
/// `docs/manifest.md`; `docs/manifest.schema.json` states the same rules
/// for editors.
public enum ManifestLoader {
    /// Largest manifest file accepted, in bytes (1 MiB).
    public static let maxFileBytes = 1 << 20

    /// Load and validate the manifest at `path`.
    ///
    /// Relative paths inside it (`spec.library.path`, `spec.tests.fixtures`,
    /// `spec.connection.tls.ca_file`) are resolved against the manifest's
    /// folder, made absolute.
    /// - Parameter path: the manifest file; ``Manifest/file`` keeps it as given.
    /// - Returns: the validated manifest.
    /// - Throws: ``ManifestError`` listing every problem, sorted by position.
    public static func load(path: String) throws(ManifestError) -> Manifest {
        let location = SourceLocation(file: path, line: 1, column: 1)
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
           size.intValue > maxFileBytes {
            throw ManifestError(diagnostics: [Diagnostic(location,
                "file is \(size.intValue) bytes; a manifest may be at most \(maxFileBytes) bytes (1 MiB)")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestError(diagnostics: [Diagnostic(location, "cannot read the manifest file")])
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try load(bytes: Array(data), file: path, baseDirectory: folder.isEmpty ? "." : folder)
    }

    /// Validate manifest text that did not come from a file (or was read already).
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - file: the name used in diagnostics and ``Manifest/file``.
    ///   - baseDirectory: the folder relative paths in the manifest resolve
    ///     against (made absolute using the current directory if relative).
    /// - Returns: the validated manifest.
    /// - Throws: ``ManifestError`` listing every problem, sorted by position.
    public static func load(text: String, file: String, baseDirectory: String) throws(ManifestError) -> Manifest {
        try load(bytes: Array(text.utf8), file: file, baseDirectory: baseDirectory)
    }

    /// Validate manifest bytes, which need not be valid UTF-8 (invalid UTF-8
    /// is reported with its position).
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: the name used in diagnostics and ``Manifest/file``.
    ///   - baseDirectory: the folder relative paths resolve against.
    /// - Returns: the validated manifest.
    /// - Throws: ``ManifestError`` listing every problem, sorted by position.
    public static func load(bytes: [UInt8], file: String, baseDirectory: String) throws(ManifestError) -> Manifest {
        let root = try YAMLParser(file: file).parse(bytes)
        var validator = ManifestValidator(file: file, baseDirectory: absolute(baseDirectory))
        guard let manifest = validator.validate(root) else {
            throw ManifestError(diagnostics: validator.diagnostics)
        }
        return manifest
    }

    /// The manifest files directly in `directory`: names ending in `.yaml` or
    /// `.yml`, hidden files skipped, sorted by name.
    /// - Parameter directory: the folder, e.g. `connectors.d`.
    /// - Returns: the paths, each `directory/name`.
    /// - Throws: the file system's error when the folder cannot be listed.
    public static func manifestFiles(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return names
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
            .filter { name in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: join(directory, name), isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue
            }
            .sorted()
            .map { join(directory, $0) }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func absolute(_ directory: String) -> String {
        if directory.hasPrefix("/") { return directory }
        let cwd = FileManager.default.currentDirectoryPath
        return directory.isEmpty || directory == "." ? cwd : cwd + "/" + directory
    }
}
