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
        var time = [UInt8](repeating: 0, count: 6)
        for i in 0..<6 { time[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * UInt64(5 - i))) }
        return VerificationID(trusted: "vrf_" + Hex.encode(time) + Hex.encode(try RandomSource.bytes(10)))
    }

    public var description: String { rawValue }
}
