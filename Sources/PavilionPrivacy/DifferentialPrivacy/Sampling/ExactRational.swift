/// A non-negative rational number `numerator / denominator` held exactly,
/// reduced to lowest terms. Sampler parameters are given this way so that
/// no floating-point value enters a sampling path.
public struct ExactRational: Sendable, Hashable, CustomStringConvertible {
    /// The largest numerator or denominator the samplers accept, `2^62`.
    /// With terms this size every intermediate value of the samplers fits
    /// in 128 bits (see `docs/privacy.md`, "Parameter ranges").
    public static let maximumTerm: UInt64 = 1 << 62

    /// The numerator, in lowest terms.
    public let numerator: UInt64
    /// The denominator, in lowest terms; at least 1.
    public let denominator: UInt64

    /// `numerator / denominator`, reduced.
    /// - Parameters:
    ///   - numerator: at most ``maximumTerm``.
    ///   - denominator: in `1...maximumTerm`.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` when a
    ///   term is outside its range.
    public init(_ numerator: UInt64, _ denominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard denominator > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "denominator is zero") }
        guard numerator <= Self.maximumTerm, denominator <= Self.maximumTerm else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "\(numerator)/\(denominator): terms above 2^62")
        }
        let divisor = Self.gcd(numerator, denominator)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    /// `numerator / denominator` for 128-bit terms, reduced; when the reduced
    /// terms are still too large, rounded **up** to `ceil(numerator /
    /// denominator) / 1`. Noise scales are rounded this way: more noise,
    /// never less privacy.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for a
    ///   zero denominator or a value above ``maximumTerm``.
    static func roundingUp(_ numerator: UInt128, _ denominator: UInt128) throws(DifferentialPrivacyError) -> ExactRational {
        guard denominator > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "denominator is zero") }
        let divisor = gcd128(numerator, denominator)
        let n = numerator / divisor
        let d = denominator / divisor
        let limit = UInt128(maximumTerm)
        if n <= limit, d <= limit { return try ExactRational(UInt64(n), UInt64(d)) }
        let ceiling = n / d + (n % d == 0 ? 0 : 1)
        guard ceiling <= limit else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "\(numerator)/\(denominator) is above 2^62")
        }
        return try ExactRational(UInt64(ceiling), 1)
    }

    /// Whether the value is at most 1.
    public var isAtMostOne: Bool { numerator <= denominator }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }

    static func gcd128(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }

    /// `floor(sqrt(n))` by Newton's iteration on integers.
    static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        guard n > 1 else { return n }
        var x = n
        var y = x / 2 + 1
        while y < x {
            x = y
            y = (x + n / x) / 2
        }
        return x
    }
}
