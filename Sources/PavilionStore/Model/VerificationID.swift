import Foundation
import PavilionCrypto

/// A verification's identifier, `[A-Za-z0-9_-]{1,128}`; ``generate(now:)``
/// makes `vrf_` and 32 hex digits, time-ordered.
public struct VerificationID: Hashable, Sendable, CustomStringConvertible {
    /// The identifier text.
    public let rawValue: String

    /// - Parameter rawValue: the identifier.
    /// - Throws: ``StoreError/Code/invalidInput`` when it has the wrong shape.
    public init(_ rawValue: String) throws(StoreError) {
        try Validation.require(Validation.isIdentifier(rawValue),
                               "verification id \(Validation.quoted(rawValue)) is not [A-Za-z0-9_-]{1,128}")
        self.rawValue = rawValue
    }

    init(trusted rawValue: String) { self.rawValue = rawValue }

    /// A fresh identifier: `vrf_`, the time in milliseconds since 1970 as 12
    /// hex digits, then 20 hex digits (80 bits) from ``SecureRandom``.
    ///
    /// Time first, so identifiers made later sort later: the primary key and
    /// the audit trail's `verification_id` index grow at their right edge
    /// and a group commit writes a few pages instead of one random leaf per
    /// record. The random part keeps identifiers unguessable; the time they
    /// reveal is the verification's `created_at`, which its tenant sees anyway.
    /// - Parameter now: the clock (for tests).
    /// - Throws: ``StoreError/Code/crypto`` when the CSPRNG fails.
    public static func generate(now: Date = Date()) throws(StoreError) -> VerificationID {
        let milliseconds = UInt64(max(0, Timestamp.milliseconds(now))) & 0xFFFF_FFFF_FFFF
        let random = try RandomSource.bytes(10)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        text.append(contentsOf: "vrf_".utf8)
        for shift in stride(from: 40, through: 0, by: -8) { appendHex(UInt8(truncatingIfNeeded: milliseconds >> UInt64(shift)), to: &text) }
        for byte in random { appendHex(byte, to: &text) }
        return VerificationID(trusted: String(decoding: text, as: UTF8.self))
    }

    /// Two lowercase hex digits of `byte` (`Hex.encode` is generic and costs
    /// ~5k instructions a call on this path).
    @inline(__always)
    private static func appendHex(_ byte: UInt8, to text: inout [UInt8]) {
        let high = byte >> 4, low = byte & 0x0F
        text.append(high < 10 ? 0x30 + high : 0x57 + high)
        text.append(low < 10 ? 0x30 + low : 0x57 + low)
    }

    public var description: String { rawValue }
}
