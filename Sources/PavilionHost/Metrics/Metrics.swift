import Foundation
import Synchronization

/// A registry of counters, histograms and gauges, rendered in the Prometheus
/// text exposition format (version 0.0.4).
///
/// Families are declared once with ``counter(_:help:labels:)``,
/// ``histogram(_:help:labels:buckets:)`` or ``gauge(_:help:labels:read:)``;
/// updates name the label values in declaration order. Updates take one
/// lock; rendering snapshots everything under it.
public final class Metrics: Sendable {
    /// A metric family's kind.
    enum Kind: String, Sendable { case counter, histogram, gauge }

    struct Family: Sendable {
        var name: String
        var help: String
        var kind: Kind
        var labels: [String]
        var buckets: [Double] = []
        var counters: [[String]: Double] = [:]
        var histograms: [[String]: HistogramCells] = [:]
        var read: (@Sendable () -> [([String], Double)])?
    }

    struct HistogramCells: Sendable {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func record(_ value: Double, slot: Int?) {
            if let slot { counts[slot] += 1 }
            sum += value
            count += 1
        }
    }

    private let families = Mutex<[Family]>([])

    /// Seconds buckets for request latencies: 0.5 ms to 10 s.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// An empty registry.
    public init() {}

    /// Declare a counter family.
    /// - Parameters:
    ///   - name: `[a-zA-Z_:][a-zA-Z0-9_:]*`, ending in `_total` by convention.
    ///   - help: one line of help.
    ///   - labels: label names, in the order updates give values.
    public func counter(_ name: String, help: String, labels: [String] = []) {
        declare(Family(name: name, help: help, kind: .counter, labels: labels))
    }

    /// Declare a histogram family with fixed upper bounds.
    /// - Parameters:
    ///   - name: the base name; `_bucket`, `_sum`, `_count` are appended.
    ///   - help: one line of help.
    ///   - labels: label names (not `le`).
    ///   - buckets: increasing upper bounds; `+Inf` is implied.
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double] = Metrics.latencyBuckets) {
        declare(Family(name: name, help: help, kind: .histogram, labels: labels, buckets: buckets.sorted()))
    }

    /// Declare a gauge whose samples are read when rendering.
    /// - Parameters:
    ///   - name: the metric name.
    ///   - help: one line of help.
    ///   - labels: label names.
    ///   - read: returns `(label values, value)` samples; called outside no lock of the caller's.
    public func gauge(_ name: String, help: String, labels: [String] = [],
                      read: @escaping @Sendable () -> [([String], Double)]) {
        declare(Family(name: name, help: help, kind: .gauge, labels: labels, read: read))
    }

    private func declare(_ family: Family) {
        families.withLock { all in
            all.removeAll { $0.name == family.name }
            all.append(family)
        }
    }

    /// Add `amount` to counter `name` at `labels`.
    public func increment(_ name: String, _ labels: [String] = [], by amount: Double = 1) {
        families.withLock { all in
            guard let i = all.firstIndex(where: { $0.name == name }), all[i].kind == .counter,
                  all[i].labels.count == labels.count else { return }
            all[i].counters[labels, default: 0] += amount
        }
    }

    /// Record one observation `value` in histogram `name` at `labels`.
    public func observe(_ name: String, _ labels: [String] = [], _ value: Double) {
        families.withLock { all in
            guard let i = all.firstIndex(where: { $0.name == name }), all[i].kind == .histogram,
                  all[i].labels.count == labels.count else { return }
            let buckets = all[i].buckets
            let slot = buckets.firstIndex(where: { value <= $0 })
            // In place: copying the cells out and back copied their counts array.
            all[i].histograms[labels, default: HistogramCells(counts: Array(repeating: 0, count: buckets.count))]
                .record(value, slot: slot)
        }
    }

    /// The current value of counter `name` at `labels` (0 when never incremented).
    public func value(_ name: String, _ labels: [String] = []) -> Double {
        families.withLock { all in all.first { $0.name == name }?.counters[labels] ?? 0 }
    }

    /// Everything in the text exposition format; families in declaration
    /// order, samples sorted by label values.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for family in snapshot {
            out += "# HELP \(family.name) \(PrometheusText.escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            switch family.kind {
            case .counter:
                for (values, value) in family.counters.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    out += "\(family.name)\(PrometheusText.labels(family.labels, values)) \(PrometheusText.number(value))\n"
                }
            case .gauge:
                let samples = family.read?() ?? []
                for (values, value) in samples.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) where values.count == family.labels.count {
                    out += "\(family.name)\(PrometheusText.labels(family.labels, values)) \(PrometheusText.number(value))\n"
                }
            case .histogram:
                for (values, cells) in family.histograms.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    var cumulative: UInt64 = 0
                    for (bound, count) in zip(family.buckets, cells.counts) {
                        cumulative += count
                        let labels = PrometheusText.labels(family.labels + ["le"], values + [PrometheusText.number(bound)])
                        out += "\(family.name)_bucket\(labels) \(cumulative)\n"
                    }
                    out += "\(family.name)_bucket\(PrometheusText.labels(family.labels + ["le"], values + ["+Inf"])) \(cells.count)\n"
                    out += "\(family.name)_sum\(PrometheusText.labels(family.labels, values)) \(PrometheusText.number(cells.sum))\n"
                    out += "\(family.name)_count\(PrometheusText.labels(family.labels, values)) \(cells.count)\n"
                }
            }
        }
        return out
    }
}

/// Escaping and number rules of the Prometheus text format.
enum PrometheusText {
    /// HELP text: `\` → `\\`, newline → `\n`.
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Label values: `\` → `\\`, `"` → `\"`, newline → `\n`.
    static func escapeLabel(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `{a="1",b="2"}`, or nothing without labels.
    static func labels(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        return "{" + zip(names, values).map { "\($0)=\"\(escapeLabel($1))\"" }.joined(separator: ",") + "}"
    }

    /// Integers without a fraction; `+Inf`, `-Inf`, `NaN` spelled as Prometheus expects.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
