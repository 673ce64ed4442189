import Foundation
import PavilionCore

/// A YAML file read with the manifest parser's rules (YAML 1.2 core schema,
/// no aliases, no duplicate keys, 1 MiB, valid UTF-8), as JSON plus where
/// each key was written — for other configuration files such as
/// `pavilion.yaml`.
public struct YAMLDocument: Sendable, Hashable {
    /// The file as given.
    public var file: String
    /// The document as JSON (`.null` for an empty file).
    public var value: JSONValue
    /// Where each value was written, by dotted path (`listen.port`,
    /// `tenants[0].name`); `""` is the document.
    public var locations: [String: SourceLocation]

    /// Where `path` was written, or the start of the file.
    public func location(of path: String) -> SourceLocation {
        locations[path] ?? locations[""] ?? SourceLocation(file: file, line: 1, column: 1)
    }

    /// Read and parse `path`.
    /// - Throws: ``ManifestError`` with `file:line:column` diagnostics.
    public static func load(path: String) throws(ManifestError) -> YAMLDocument {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ManifestError(diagnostics: [Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                                         "cannot read file: \(error.localizedDescription)")])
        }
        return try parse(bytes: bytes, file: path)
    }

    /// Parse YAML text given as bytes.
    /// - Throws: ``ManifestError`` with `file:line:column` diagnostics.
    public static func parse(bytes: [UInt8], file: String) throws(ManifestError) -> YAMLDocument {
        guard let root = try YAMLParser(file: file).parse(bytes) else {
            return YAMLDocument(file: file, value: .null, locations: ["": SourceLocation(file: file, line: 1, column: 1)])
        }
        let value: JSONValue
        do {
            value = try root.jsonValue()
        } catch {
            throw ManifestError(diagnostics: [Diagnostic(error.location, error.message)])
        }
        var locations: [String: SourceLocation] = [:]
        collect(root, path: "", into: &locations)
        return YAMLDocument(file: file, value: value, locations: locations)
    }

    private static func collect(_ node: YAMLNode, path: String, into locations: inout [String: SourceLocation]) {
        locations[path] = node.location
        switch node.content {
        case .scalar: break
        case .sequence(let items):
            for (i, item) in items.enumerated() { collect(item, path: "\(path)[\(i)]", into: &locations) }
        case .mapping(let entries):
            for entry in entries { collect(entry.value, path: path.isEmpty ? entry.key : "\(path).\(entry.key)", into: &locations) }
        }
    }
}
