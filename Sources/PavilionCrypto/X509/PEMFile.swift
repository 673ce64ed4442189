import Foundation

/// Writes PEM (or any other small secret text) to disk safely.
public enum PEMFile {
    /// The mode for private keys and other secrets: owner read/write only.
    public static let privateMode: UInt16 = 0o600
    /// The mode for certificates, which are public.
    public static let publicMode: UInt16 = 0o644

    /// Replace `path` atomically with `text`: write a temporary file beside
    /// it created with `mode` from the first byte (`open(O_CREAT|O_EXCL)`,
    /// `fchmod`), `fsync` it, `rename` it over `path`, and `fsync` the folder.
    /// A reader sees the old file or the new one, never a partial one; a
    /// crash leaves at most a `.tmp-` file beside it.
    ///
    /// The bytes copied out of `text` are wiped after writing; the `String`
    /// itself cannot be wiped by Swift, so keep secrets' lifetimes short.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - path: where to write; its folder must exist.
    ///   - mode: the permission bits, ``privateMode`` (0600) unless given.
    /// - Throws: ``CryptoError`` naming the failing call (`open`, `write`,
    ///   `fsync`, `rename`) with the path and `strerror`.
    public static func write(_ text: String, to path: String, mode: UInt16 = privateMode) throws(CryptoError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let suffix = Hex.encode(try SecureRandom.bytes(6))
        let temporary = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".\(name).tmp-\(suffix)")
        var bytes = Array(text.utf8)
        defer { ConstantTime.wipe(&bytes) }
        let fd = try PEMFileCalls.createExclusive(temporary, mode: mode)
        do throws(CryptoError) {
            try PEMFileCalls.writeAll(fd, bytes, path: temporary)
            try PEMFileCalls.sync(fd, path: temporary)
        } catch {
            PEMFileCalls.closeQuietly(fd)
            PEMFileCalls.removeQuietly(temporary)
            throw error
        }
        do throws(CryptoError) {
            try PEMFileCalls.closeFile(fd, path: temporary)
            try PEMFileCalls.replace(temporary, with: path)
        } catch {
            PEMFileCalls.removeQuietly(temporary)
            throw error
        }
        try PEMFileCalls.syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// The permission bits of `path` (`stat`), e.g. `0o600`.
    /// - Throws: ``CryptoError`` naming `stat` when the file cannot be examined.
    public static func permissions(of path: String) throws(CryptoError) -> UInt16 {
        try PEMFileCalls.permissions(path)
    }
}
