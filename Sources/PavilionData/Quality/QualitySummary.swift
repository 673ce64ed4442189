import PavilionCore

/// A running summary of quality reports for one connector: how many, the
/// mean score per dimension and overall, and the decisions. Add reports as
/// they come; merge summaries of periods or hosts.
public struct QualitySummary: Sendable, Hashable {
    /// The connector's name.
    public var connector: String
    /// Reports added.
    public private(set) var count: Int = 0
    /// Per dimension: the sum of scores and how many reports scored it.
    public private(set) var sums: [QualityDimension: Double] = [:]
    /// Per dimension: how many reports scored it.
    public private(set) var scored: [QualityDimension: Int] = [:]
    /// Sum of overall scores.
    public private(set) var overallSum: Double = 0
    /// Reports per decision.
    public private(set) var decisions: [QualityDecision: Int] = [:]

    /// - Parameter connector: the connector's name.
    public init(connector: String) { self.connector = connector }

    /// Count one report.
    /// - Parameter report: a record's report.
    public mutating func add(_ report: QualityReport) {
        count += 1
        overallSum += report.overall
        decisions[report.decision, default: 0] += 1
        for (d, s) in report.scores {
            sums[d, default: 0] += s
            scored[d, default: 0] += 1
        }
    }

    /// Add another summary's counts (of the same connector).
    /// - Parameter other: the other summary.
    public mutating func merge(_ other: QualitySummary) {
        count += other.count
        overallSum += other.overallSum
        for (d, n) in other.decisions { decisions[d, default: 0] += n }
        for (d, s) in other.sums { sums[d, default: 0] += s }
        for (d, n) in other.scored { scored[d, default: 0] += n }
    }

    /// The mean score of `dimension` over the reports that scored it.
    /// - Parameter dimension: a dimension.
    /// - Returns: the mean, or `nil` when none scored it.
    public func mean(_ dimension: QualityDimension) -> Double? {
        guard let n = scored[dimension], n > 0, let s = sums[dimension] else { return nil }
        return s / Double(n)
    }

    /// The mean overall score, or `nil` with no reports.
    public var meanOverall: Double? { count > 0 ? overallSum / Double(count) : nil }

    /// The summary as JSON: `{"connector", "count", "mean": {dimension: score}, "mean_overall", "decisions": {…}}`.
    public var json: JSONValue {
        var means: [String: JSONValue] = [:]
        for d in QualityDimension.allCases { if let m = mean(d) { means[d.rawValue] = .double(QualityReport.round(m)) } }
        return .object([
            "connector": .string(connector), "count": .int(Int64(count)), "mean": .object(means),
            "mean_overall": meanOverall.map { .double(QualityReport.round($0)) } ?? .null,
            "decisions": .object(Dictionary(uniqueKeysWithValues: QualityDecision.allCases.map { ($0.rawValue, .int(Int64(decisions[$0] ?? 0))) })),
        ])
    }
}
