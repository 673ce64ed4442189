import PavilionCore

/// A digest of some bytes, as lineage records it: the algorithm's name and
/// the lowercase hex of the digest. It identifies content without holding it.
public struct ContentDigest: Sendable, Hashable, CustomStringConvertible {
    /// The algorithm's name: `sha-256` for a plain digest, `hmac-sha-256`
    /// for a keyed one (see ``ContentDigester``).
    public let algorithm: String
    /// Lowercase hexadecimal digest.
    public let hex: String

    /// - Parameters:
    ///   - algorithm: the algorithm's name.
    ///   - hex: the digest as lowercase hex (two characters a byte).
    /// - Throws: ``LineageError`` with code `invalidDigest` when `hex` is
    ///   empty, of odd length or not lowercase hex, or `algorithm` is empty.
    public init(algorithm: String, hex: String) throws(LineageError) {
        guard !algorithm.isEmpty, !hex.isEmpty, hex.utf8.count % 2 == 0,
              hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw LineageError(.invalidDigest, "a digest is a named algorithm and lowercase hex") }
        self.algorithm = algorithm
        self.hex = hex
    }

    /// - Parameters:
    ///   - algorithm: the algorithm's name.
    ///   - bytes: the digest.
    public init(algorithm: String, bytes: [UInt8]) {
        self.algorithm = algorithm
        self.hex = Self.hex(bytes)
    }

    /// `sha-256:9f86d0…`.
    public var description: String { "\(algorithm):\(hex)" }

    /// The first `count` hex characters followed by `…`, for labels.
    /// - Parameter count: hex characters to keep.
    /// - Returns: the shortened digest.
    public func abbreviated(_ count: Int = 12) -> String {
        hex.count <= count ? hex : String(hex.prefix(count)) + "…"
    }

    /// `{"algorithm": "sha-256", "hex": "…"}`.
    public var json: JSONValue { .object(["algorithm": .string(algorithm), "hex": .string(hex)]) }

    /// Read what ``json`` wrote.
    /// - Parameter json: an object with `algorithm` and `hex`.
    /// - Throws: ``LineageError`` when either is missing or malformed.
    public init(json: JSONValue) throws(LineageError) {
        guard let algorithm = json["algorithm"]?.stringValue, let hex = json["hex"]?.stringValue else {
            throw LineageError(.malformedGraph, "a digest needs 'algorithm' and 'hex' strings")
        }
        try self.init(algorithm: algorithm, hex: hex)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        // Arithmetic, not a table: one per lineage digest, on the request path.
        func digit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 &+ v : 0x57 &+ v }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digit(b >> 4))
            out.append(digit(b & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
