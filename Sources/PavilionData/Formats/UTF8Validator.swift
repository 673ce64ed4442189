/// An incremental UTF-8 checker, one byte at a time, following the
/// well-formed byte sequences of Unicode §3.9 Table 3-7: no overlong forms,
/// no surrogates, nothing above U+10FFFF.
///
/// The format readers use it so that they can report the exact position of
/// the first bad byte without decoding twice.
struct UTF8Validator: Sendable {
    /// What one byte did.
    enum Step: Equatable {
        /// The byte starts a scalar (ASCII or a lead byte); columns count these.
        case lead
        /// The byte continues a scalar.
        case continuation
        /// The byte cannot appear here.
        case invalid
    }

    /// Continuation bytes still expected.
    private var remaining = 0
    /// Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    /// Whether the input so far ends on a scalar boundary.
    var isComplete: Bool { remaining == 0 }

    /// Feed one byte.
    mutating func step(_ byte: UInt8) -> Step {
        if remaining > 0 {
            guard byte >= low, byte <= high else { return .invalid }
            remaining -= 1
            low = 0x80
            high = 0xBF
            return .continuation
        }
        switch byte {
        case 0x00...0x7F:
            return .lead
        case 0xC2...0xDF:
            remaining = 1
        case 0xE0:
            remaining = 2
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF:
            remaining = 2
        case 0xED:
            remaining = 2
            high = 0x9F
        case 0xF0:
            remaining = 3
            low = 0x90
        case 0xF1...0xF3:
            remaining = 3
        case 0xF4:
            remaining = 3
            high = 0x8F
        default:
            return .invalid
        }
        return .lead
    }
}
