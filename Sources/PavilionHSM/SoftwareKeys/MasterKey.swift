import Foundation
import PavilionCrypto

/// The 32-byte secret that seals a ``SoftwareKeyStore``'s key files. Held
/// only in this object and wiped when it goes away.
final class MasterKey: @unchecked Sendable {
    // @unchecked: `bytes` is written in `init` and `deinit` only.
    private var bytes: [UInt8]

    /// Take ownership of `bytes` (32 of them); the caller's copy is wiped.
    init(taking bytes: inout [UInt8]) throws(SignerError) {
        guard bytes.count == 32 else {
            ConstantTime.wipe(&bytes)
            throw SignerError(.masterKeyUnavailable, reason: "a master key is 32 bytes (64 hex digits), got \(bytes.count)")
        }
        self.bytes = bytes
        ConstantTime.wipe(&bytes)
    }

    deinit { ConstantTime.wipe(&bytes) }

    /// The AES-256-GCM key for key files: HMAC-SHA-256(master, label), so
    /// the master key itself never keys the cipher.
    func keyEncryptionKey() throws(SignerError) -> [UInt8] {
        try derive("pavilion-keystore-v1 key-encryption-key")
    }

    /// A public check value naming this master key in key files (8 bytes of
    /// HMAC-SHA-256(master, label), base64url): tells "wrong master key"
    /// from "tampered file" without revealing anything useful.
    func identifier() throws(SignerError) -> String {
        Base64URL.encode(Array(try derive("pavilion-keystore-v1 key-check").prefix(8)))
    }

    private func derive(_ label: String) throws(SignerError) -> [UInt8] {
        do {
            return try HMACSHA256.authenticate(Array(label.utf8), key: bytes)
        } catch {
            throw SignerError(.crypto, reason: "HMAC: \(error)")
        }
    }

    /// Read a master key: 64 hex digits (surrounding whitespace ignored) or,
    /// from a file, exactly 32 raw bytes.
    static func load(_ source: SoftwareKeyStore.MasterKeySource) throws(SignerError) -> MasterKey {
        var raw: [UInt8]
        switch source {
        case .bytes(let given):
            raw = given
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw SignerError(.masterKeyUnavailable, reason: "the master key variable \(name) is not set")
            }
            raw = Array(value.utf8)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SignerError(.masterKeyUnavailable, reason: "cannot read the master key file \(path)")
            }
            raw = Array(data)
            if let mode = try? PEMFile.permissions(of: path), mode & 0o077 != 0 {
                ConstantTime.wipe(&raw)
                throw SignerError(.masterKeyUnavailable, reason: "the master key file \(path) is readable by others (mode "
                                  + String(mode, radix: 8) + "); chmod 600 it")
            }
        }
        defer { ConstantTime.wipe(&raw) }
        if case .bytes = source, raw.count == 32 { return try MasterKey(taking: &raw) }
        if raw.count == 32, case .file = source { return try MasterKey(taking: &raw) }
        var text = raw.filter { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }
        defer { ConstantTime.wipe(&text) }
        guard text.count == 64, var decoded = hexBytes(text) else {
            throw SignerError(.masterKeyUnavailable, reason: "the master key is not 64 hex digits (or 32 raw bytes in a file)")
        }
        return try MasterKey(taking: &decoded)
    }

    /// Hex digits to bytes without passing through a `String` (which could not be wiped).
    private static func hexBytes(_ digits: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                ConstantTime.wipe(&out)
                return nil
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
