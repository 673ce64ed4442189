import Foundation
import PavilionData
import PavilionStore
import Synchronization

/// Outcomes, timings and data quality per connector, tenant and UTC day,
/// for `GET /v1/connectors/{name}/quality` and the overview page
/// `GET /ui/connectors/{name}`.
///
/// Kept in memory for the last ``days`` days since the host started (the
/// Prometheus metrics `pavilion_verifications_total`,
/// `pavilion_quality_score` and `pavilion_quality_decisions_total` keep the
/// long history). Medians are over the last ``samplesPerDay`` answers of a day.
public final class ConnectorLedger: Sendable {
    /// Days kept.
    public static let days = 30
    /// Timing samples kept per connector, tenant and day.
    public static let samplesPerDay = 1000

    struct Key: Hashable {
        var connector: String
        var tenant: TenantID
        var day: String
    }

    struct Bucket {
        var outcomes: [String: Int] = [:]
        var exchangeMs = Samples()
        var totalMs = Samples()
        var quality: QualitySummary

        mutating func add(outcome: String, exchangeMilliseconds: Double?, totalMilliseconds: Double, quality report: QualityReport?) {
            outcomes[outcome, default: 0] += 1
            exchangeMs.add(exchangeMilliseconds)
            totalMs.add(totalMilliseconds)
            if let report { quality.add(report) }
        }
    }

    /// The last ``ConnectorLedger/samplesPerDay`` values, in a ring: once
    /// full, a new value overwrites the oldest, in place (a median does not
    /// care about order). It used to be an array that dropped its first
    /// element, which moved the other 999 on every verification.
    struct Samples {
        private(set) var values: [Double] = []
        private var oldest = 0

        mutating func add(_ value: Double?) {
            guard let value else { return }
            if values.count < ConnectorLedger.samplesPerDay {
                values.append(value)
            } else {
                values[oldest] = value
                oldest = (oldest + 1) % values.count
            }
        }
    }

    private let buckets = Mutex<[Key: Bucket]>([:])

    public init() {}

    /// Count one verification (answered or refused).
    /// - Parameters:
    ///   - connector: the connector.
    ///   - tenant: whose request it was.
    ///   - outcome: `completed`, `not_found` or the problem code.
    ///   - at: when it started (its UTC day is the bucket).
    ///   - exchangeMilliseconds: time in DP exchanges, when any ran.
    ///   - totalMilliseconds: time to the answer.
    ///   - quality: the quality report, when scored.
    public func record(connector: String, tenant: TenantID, outcome: String, at: Date, exchangeMilliseconds: Double?,
                       totalMilliseconds: Double, quality: QualityReport?) {
        let key = Key(connector: connector, tenant: tenant, day: Self.day(at))
        buckets.withLock { all in
            // Mutated in place in the dictionary: a copy taken out and put
            // back would copy its sample arrays on every verification.
            all[key, default: Bucket(quality: QualitySummary(connector: connector))]
                .add(outcome: outcome, exchangeMilliseconds: exchangeMilliseconds, totalMilliseconds: totalMilliseconds, quality: quality)
            if all.count > 4096 { Self.prune(&all, before: Self.day(at.addingTimeInterval(-Double(Self.days) * 86_400))) }
        }
    }

    /// One summary per day, oldest first, for `connector`.
    /// - Parameters:
    ///   - connector: the connector.
    ///   - tenant: only this tenant's verifications; every tenant's when `nil` (admin).
    /// - Returns: the days that saw a verification.
    public func summaries(connector: String, tenant: TenantID?) -> [ConnectorPeriodSummary] {
        let selected = buckets.withLock { all in
            all.filter { $0.key.connector == connector && (tenant == nil || $0.key.tenant == tenant) }
        }
        var byDay: [String: (outcomes: [String: Int], exchangeMs: [Double], totalMs: [Double], quality: QualitySummary)] = [:]
        for (key, bucket) in selected {
            var merged = byDay[key.day] ?? ([:], [], [], QualitySummary(connector: connector))
            merged.outcomes.merge(bucket.outcomes, uniquingKeysWith: +)
            merged.exchangeMs += bucket.exchangeMs.values
            merged.totalMs += bucket.totalMs.values
            merged.quality.merge(bucket.quality)
            byDay[key.day] = merged
        }
        return byDay.keys.sorted().suffix(Self.days).compactMap { day in
            guard let b = byDay[day] else { return nil }
            return ConnectorPeriodSummary(period: day, outcomes: b.outcomes,
                                          medianExchangeMilliseconds: ConnectorPeriodSummary.median(b.exchangeMs),
                                          medianTotalMilliseconds: ConnectorPeriodSummary.median(b.totalMs),
                                          quality: b.quality.count > 0 ? b.quality : nil)
        }
    }

    static func day(_ date: Date) -> String {
        String(Timestamps.rfc3339(date).prefix(10))
    }

    private static func prune(_ all: inout [Key: Bucket], before day: String) {
        all = all.filter { $0.key.day >= day }
    }
}
