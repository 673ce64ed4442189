import Foundation
import PavilionCore
import PavilionPrivacy

/// `pavilion bench privacy`: the OPRF server, the discrete Gaussian sampler
/// and the transparency log, through PavilionPrivacy's own micro-benchmarks
/// (median of several rounds). The PSI and range-proof figures of the
/// contract are printed as null: those protocols are not built yet.
enum PrivacyBenchmark {
    /// Contract keys for parts that do not exist yet.
    static let notBuilt = ["psi_1m_seconds", "openmined_psi_1m_seconds", "psi_speedup", "psi_1m_peak_rss_mb",
                           "range_proof_ms", "range_proof_bytes"]

    static func run(quick: Bool) throws -> JSONValue {
        let rounds = quick ? 2 : 5
        let scale = quick ? 10 : 1
        var figures: [String: JSONValue] = [:]

        Output.err("bench privacy: OPRF BlindEvaluate (P256-SHA256, OPRF mode), \(rounds) rounds")
        _ = try OPRFBenchmark.evaluationsPerSecond(count: 100)  // warm-up
        var oprf: [Double] = []
        for _ in 0..<rounds { oprf.append(try OPRFBenchmark.evaluationsPerSecond(count: 2_000 / scale)) }
        figures["oprf_evaluate_per_s"] = .double(Stopwatch.median(oprf))

        Output.err("bench privacy: discrete Gaussian samples (sigma^2 = 100)")
        var gauss: [Double] = []
        for _ in 0..<rounds {
            gauss.append(try DifferentialPrivacyBenchmark.discreteGaussianSamplesPerSecond(samples: 200_000 / scale))
        }
        figures[DifferentialPrivacyBenchmark.discreteGaussianMetric] = .double(Stopwatch.median(gauss))

        Output.err("bench privacy: transparency log appends (700-byte entries, in memory)")
        var appends: [Double] = []
        for _ in 0..<rounds { appends.append(TransparencyLogBenchmark.logAppendPerSecond(entries: 200_000 / scale)) }
        figures["log_append_per_s"] = .double(Stopwatch.median(appends))

        Output.err("bench privacy: PSI (and its OpenMined reference) and range proofs are not built yet; "
                   + "\(notBuilt.joined(separator: ", ")) are null")
        for key in notBuilt { figures[key] = .null }
        figures["rounds"] = .int(Int64(rounds))
        return .object(figures)
    }
}
