/// A non-negative privacy parameter (an ε or a ρ) in fixed point with nine
/// decimal places, so that budgets compose by exact integer addition and a
/// ledger total never drifts.
public struct PrivacyAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Units per 1.0: amounts are multiples of `10^-9`.
    public static let unitsPerOne: UInt64 = 1_000_000_000
    /// The largest amount accepted, 1000 (so that `ε²/2` and any ledger
    /// total fit in 64 bits).
    public static let maximum = PrivacyAmount(unchecked: 1_000 * unitsPerOne)
    /// Zero.
    public static let zero = PrivacyAmount(unchecked: 0)

    /// The amount in units of `10^-9`.
    public let nanos: UInt64

    init(unchecked nanos: UInt64) { self.nanos = nanos }

    /// The amount `nanos · 10^-9`.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` above ``maximum``.
    public init(nanos: UInt64) throws(DifferentialPrivacyError) {
        guard nanos <= Self.maximum.nanos else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "privacy amount \(nanos)e-9 is above 1000")
        }
        self.nanos = nanos
    }

    /// An amount written in decimal, e.g. `"0.5"`, `"2"`, `"0.000001"`.
    /// - Parameter decimal: digits with at most one point and at most nine
    ///   digits after it; no sign, no exponent.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   anything else or a value above ``maximum``.
    public init(_ decimal: String) throws(DifferentialPrivacyError) {
        let parts = decimal.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), fraction.count <= 9, whole.count <= 4,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }), fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || !fraction.isEmpty
        else { throw DifferentialPrivacyError(.parameterOutOfRange, "'\(decimal)' is not a decimal privacy amount") }
        let wholeValue = UInt64(whole) ?? 0
        let fractionValue = (UInt64(fraction + String(repeating: "0", count: 9 - fraction.count)) ?? 0)
        try self.init(nanos: wholeValue * Self.unitsPerOne + fractionValue)
    }

    /// `nanos / 10^9` in lowest terms.
    public var rational: ExactRational {
        get throws(DifferentialPrivacyError) { try ExactRational(nanos, Self.unitsPerOne) }
    }

    /// The sum, saturating at `UInt64.max` nanos (a ledger total, never a
    /// mechanism parameter).
    public func adding(_ other: PrivacyAmount) -> PrivacyAmount {
        let (sum, overflow) = nanos.addingReportingOverflow(other.nanos)
        return PrivacyAmount(unchecked: overflow ? UInt64.max : sum)
    }

    /// The difference, or zero when `other` is larger.
    public func subtractingClampedAtZero(_ other: PrivacyAmount) -> PrivacyAmount {
        PrivacyAmount(unchecked: nanos > other.nanos ? nanos - other.nanos : 0)
    }

    /// Half the amount, rounded down (each half of a split budget; the
    /// halves never add up to more than the whole).
    public var halved: PrivacyAmount { PrivacyAmount(unchecked: nanos / 2) }

    /// The ρ of zCDP implied by ε-DP: `ε²/2` (Bun and Steinke 2016,
    /// Proposition 1.4), rounded **up** to the next `10^-9`.
    public var epsilonToRho: PrivacyAmount {
        let square = UInt128(nanos) * UInt128(nanos)
        let divisor = 2 * UInt128(Self.unitsPerOne)
        let rho = square / divisor + (square % divisor == 0 ? 0 : 1)
        return PrivacyAmount(unchecked: rho > UInt128(UInt64.max) ? UInt64.max : UInt64(rho))
    }

    public static func < (lhs: PrivacyAmount, rhs: PrivacyAmount) -> Bool { lhs.nanos < rhs.nanos }

    /// Decimal, without trailing zeros: `0.5`, `2`, `0.000000001`.
    public var description: String {
        let whole = nanos / Self.unitsPerOne
        let fraction = nanos % Self.unitsPerOne
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
