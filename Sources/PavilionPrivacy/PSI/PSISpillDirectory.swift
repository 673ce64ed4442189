import Foundation
import PavilionCrypto

/// A private temporary directory for the streaming client's sorted runs:
/// `<parent>/pavilion-psi-<32 random hex digits>`, created exclusively with
/// mode 0700 and removed with everything in it by ``remove()`` (and on
/// deinit), so a failed query leaves nothing behind.
final class PSISpillDirectory {
    /// The directory.
    let path: String
    private var removed = false
    private var files = 0

    /// Create the directory under `parent` (default: the process's temporary
    /// directory, `TMPDIR` or `/tmp`).
    /// - Throws: ``PSIError`` `.cacheIO` when it cannot be created.
    init(parent: String?) throws(PSIError) {
        let base = parent ?? FileManager.default.temporaryDirectory.path
        let name = "pavilion-psi-" + Hex.encode(try psiCrypto { () throws(CryptoError) in try SecureRandom.bytes(16) })
        let path = (base.hasSuffix("/") ? base : base + "/") + name
        do {
            // createDirectory without intermediates fails when the path exists: the name is ours alone.
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch { throw PSIError(.cacheIO, "\(path): cannot create the temporary directory: \(error.localizedDescription)") }
        self.path = path
    }

    deinit { remove() }

    /// A new file name in the directory (not yet created).
    func newFile(_ stem: String) -> String {
        files += 1
        return path + "/\(stem)-\(files)"
    }

    /// Remove the directory and its files; idempotent.
    func remove() {
        guard !removed else { return }
        removed = true
        try? FileManager.default.removeItem(atPath: path)
    }
}
