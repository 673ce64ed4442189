/// A Status Type value (draft-ietf-oauth-status-list §7): one byte, of which
/// a list with fewer bits uses the low ones.
public struct TokenStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value in the list.
    public let rawValue: UInt8

    /// - Parameter rawValue: the status value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x00: the Referenced Token is valid.
    public static let valid = TokenStatus(rawValue: 0x00)
    /// 0x01: revoked, annulled, taken back, recalled or cancelled.
    public static let invalid = TokenStatus(rawValue: 0x01)
    /// 0x02: temporarily invalid; usually reversible.
    public static let suspended = TokenStatus(rawValue: 0x02)
    /// 0x03: permanently reserved as application specific (as are 0x0C–0x0F).
    public static let applicationSpecific = TokenStatus(rawValue: 0x03)

    public var description: String {
        switch rawValue {
        case 0x00: return "VALID"
        case 0x01: return "INVALID"
        case 0x02: return "SUSPENDED"
        default: return "0x" + String(rawValue, radix: 16)
        }
    }
}
