import Foundation

/// SHA-256 (FIPS 180-4) through OpenSSL's `SHA256`.
public enum SHA256 {
    /// The 32-byte digest of `data`.
    public static func hash(_ data: some ContiguousBytes) -> [UInt8] { DigestAlgorithm.sha256.hash(data) }

    /// The digest of `data` as lowercase hex.
    public static func hex(_ data: some ContiguousBytes) -> String { Hex.encode(hash(data)) }

    /// The digest of the file at `path`, as lowercase hex.
    /// - Throws: the file-system error when the file cannot be read.
    public static func hexOfFile(atPath path: String) throws -> String {
        hex(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
