import PavilionCrypto

/// A Fiat–Shamir transcript with domain separation.
///
/// Layout: a sequence of records `u32be(len(label)) || label || u32be(len(data)) || data`,
/// beginning with `("protocol", protocolLabel)` and `("context", context)`.
/// Points are compressed SEC1 (the identity is the single byte `0x00`);
/// scalars are 32 big-endian bytes. The challenge is
/// `expand_message_xmd(transcript, "Pavilion-ZK-v1-Challenge", 48)` with
/// SHA-256, read big-endian and reduced mod n (48 bytes keep the bias below 2^-128).
///
/// The context is the caller's: a verifier nonce, the audience and
/// anything else the proof must be bound to. A proof made under one context
/// does not verify under another, which is what refuses replays.
public struct ZKTranscript: Sendable {
    /// The DST of the challenge derivation.
    public static let challengeDST = "Pavilion-ZK-v1-Challenge"
    /// Bytes of uniform output reduced into one challenge.
    public static let challengeHashLength = 48

    /// The bytes absorbed so far.
    public private(set) var bytes: [UInt8] = []

    /// A transcript for `protocolLabel` bound to `context`.
    /// - Parameters:
    ///   - protocolLabel: e.g. `Pavilion-ZK-v1/schnorr`.
    ///   - context: caller-supplied binding (verifier nonce, audience, ...).
    public init(protocolLabel: String, context: [UInt8]) {
        append("protocol", bytes: Array(protocolLabel.utf8))
        append("context", bytes: context)
    }

    /// Absorb a labelled byte string.
    /// - Parameters:
    ///   - label: the record's label.
    ///   - data: the record's data.
    public mutating func append(_ label: String, bytes data: [UInt8]) {
        let labelBytes = Array(label.utf8)
        bytes += Self.length(labelBytes.count) + labelBytes + Self.length(data.count) + data
    }

    /// Absorb a point, compressed SEC1 (`0x00` for the identity).
    /// - Throws: ``ZKError`` `.cryptoFailure` when OpenSSL fails.
    public mutating func append(_ label: String, point: ECPoint) throws(ZKError) {
        let encoded: [UInt8] = try point.isIdentity ? [0x00] : ZKError.wrap { try point.sec1() }
        append(label, bytes: encoded)
    }

    /// Absorb a scalar as fixed-length big-endian bytes.
    public mutating func append(_ label: String, scalar: ECScalar) {
        append(label, bytes: scalar.bigEndianBytes())
    }

    /// Absorb an integer as 8 big-endian bytes.
    public mutating func append(_ label: String, integer: UInt64) {
        append(label, bytes: withUnsafeBytes(of: integer.bigEndian) { Array($0) })
    }

    /// The challenge: the transcript hashed to a scalar mod n.
    /// - Parameter group: the group whose order reduces the hash.
    /// - Returns: a scalar in `0..<n`.
    /// - Throws: ``ZKError`` `.cryptoFailure` when hashing fails.
    public func challenge(in group: ECGroup) throws(ZKError) -> ECScalar {
        try ZKError.wrap {
            let uniform = try ExpandMessageXMD.expand(bytes, dst: Array(Self.challengeDST.utf8),
                                                      length: Self.challengeHashLength, digest: .sha256)
            return try ECScalar(reducing: uniform, in: group)
        }
    }

    private static func length(_ n: Int) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: n)
        return [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
