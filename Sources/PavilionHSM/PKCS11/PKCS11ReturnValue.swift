/// A PKCS #11 return value (`CK_RV`) with its standard name.
public struct PKCS11ReturnValue: Sendable, Hashable, CustomStringConvertible {
    /// The numeric `CK_RV`, e.g. `0x11` for `CKR_ATTRIBUTE_SENSITIVE`.
    public let rawValue: UInt

    /// The value `rawValue`.
    /// - Parameter rawValue: a `CK_RV` as a module returned it.
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// The standard name, e.g. `CKR_PIN_INCORRECT`; vendor codes read
    /// `CKR_VENDOR_DEFINED+0x…` and unknown ones `CKR_0x…`.
    public var name: String {
        if let known = Self.knownNames.first(where: { $0.0 == rawValue }) { return known.1 }
        let vendor = Self.knownNames.first { $0.1 == "CKR_VENDOR_DEFINED" }?.0 ?? 0x8000_0000
        if rawValue > vendor { return "CKR_VENDOR_DEFINED+0x" + String(rawValue - vendor, radix: 16) }
        return "CKR_0x" + String(rawValue, radix: 16)
    }

    /// `CKR_OK`.
    public static let ok = PKCS11ReturnValue(rawValue: 0)

    /// Whether this is `CKR_OK`.
    public var isOK: Bool { rawValue == 0 }

    public var description: String { name }
}
