import Foundation
import PavilionManifest

/// Rewrites the `spec.library.sha256` value of a manifest file in place.
enum ManifestPin {
    /// Replace the old hash on the line where the loader found it, keep
    /// every other byte, and write the file atomically with its mode.
    static func rewrite(file: String, manifest: Manifest, sha256: String) throws {
        let location = manifest.location(of: "spec.library.sha256")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let index = location.line - 1
        guard lines.indices.contains(index), let range = lines[index].range(of: manifest.library.sha256) else {
            throw CommandError("\(location): cannot find the sha256 value to rewrite")
        }
        lines[index].replaceSubrange(range, with: sha256)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        let temporary = file + ".pin-\(ProcessInfo.processInfo.processIdentifier)"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        if let mode = attributes[.posixPermissions] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
        }
        guard rename(temporary, file) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CommandError("\(file): cannot replace the file (errno \(errno))")
        }
    }
}
