/// One period of a connector's activity, as plain values for
/// ``LineageView/overview(connector:summaries:)``.
public struct ConnectorPeriodSummary: Sendable, Hashable {
    /// The period's label (`2026-03-01`, `last hour`, …).
    public var period: String
    /// Verifications per outcome (`completed`, `not_found`, `denied`, `failed`, …).
    public var outcomes: [String: Int]
    /// Median time in DP exchanges, in milliseconds.
    public var medianExchangeMilliseconds: Double?
    /// Median time of a whole verification, in milliseconds.
    public var medianTotalMilliseconds: Double?
    /// Quality over the period.
    public var quality: QualitySummary?

    /// All verifications of the period.
    public var total: Int { outcomes.values.reduce(0, +) }

    /// - Parameters: the fields above.
    public init(period: String, outcomes: [String: Int], medianExchangeMilliseconds: Double?, medianTotalMilliseconds: Double?,
                quality: QualitySummary?) {
        self.period = period
        self.outcomes = outcomes
        self.medianExchangeMilliseconds = medianExchangeMilliseconds
        self.medianTotalMilliseconds = medianTotalMilliseconds
        self.quality = quality
    }

    /// The median of `values`, or `nil` when empty.
    /// - Parameter values: e.g. durations.
    /// - Returns: the middle value, or the mean of the two middle ones.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
