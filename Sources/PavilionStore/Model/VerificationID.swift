import PavilionCrypto

/// A verification's identifier, `[A-Za-z0-9_-]{1,128}`; ``generate()``
/// makes `vrf_` and 32 random hex digits.
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

    /// A fresh random identifier from ``SecureRandom``.
    /// - Throws: ``StoreError/Code/crypto`` when the CSPRNG fails.
    public static func generate() throws(StoreError) -> VerificationID {
        VerificationID(trusted: "vrf_" + Hex.encode(try RandomSource.bytes(16)))
    }

    public var description: String { rawValue }
}
