/// How many bits a Token Status List spends on each Referenced Token
/// (draft-ietf-oauth-status-list §4.1): 1, 2, 4 or 8, so every status sits
/// inside one byte.
public enum StatusListBits: Int, Sendable, Hashable, CaseIterable {
    /// 2 statuses: VALID, INVALID.
    case one = 1
    /// 4 statuses: adds SUSPENDED and one application-specific value.
    case two = 2
    /// 16 statuses.
    case four = 4
    /// 256 statuses.
    case eight = 8

    /// The largest status value that fits.
    public var maximumStatus: UInt8 { UInt8((1 << rawValue) - 1) }

    /// How many statuses one byte holds.
    var statusesPerByte: Int { 8 / rawValue }

    /// - Parameter value: the `bits` member.
    /// - Throws: ``StatusListError`` `invalidBits` for anything but 1, 2, 4, 8.
    public init(validating value: Int) throws(StatusListError) {
        guard let bits = StatusListBits(rawValue: value) else {
            throw StatusListError(.invalidBits, "bits must be 1, 2, 4 or 8, got \(value)")
        }
        self = bits
    }
}
