import Foundation
import PavilionCore
import PavilionPrivacy

/// `pavilion bench privacy`: the OPRF server, the discrete Gaussian sampler
/// and the transparency log, through PavilionPrivacy's own micro-benchmarks
/// (median of several rounds); the 32-bit range proof; and PSI over two sets
/// of a million elements beside OpenMined PSI (``PSIBenchmark``; 5,000 with `--quick`);
/// with `--psi-10m`, also one cold PSI of 10,000,000 x 10,000,000 with the
/// streaming client (20,000 with `--quick`).
enum PrivacyBenchmark {

    static func run(quick: Bool, psi10M: Bool = false) throws -> JSONValue {
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

        Output.err("bench privacy: 32-bit range proof (bit decomposition), prove and verify")
        let (proveMs, verifyMs, proofBytes) = try rangeProof(rounds: rounds)
        figures["range_proof_ms"] = .double(proveMs)
        figures["range_proof_verify_ms"] = .double(verifyMs)
        figures["range_proof_bytes"] = .int(Int64(proofBytes))
        figures["range_proof_bits"] = .int(32)

        let psi = try PSIBenchmark.run(count: quick ? 5_000 : 1_000_000)
        figures["psi_elements"] = .int(Int64(quick ? 5_000 : 1_000_000))
        figures["psi_1m_seconds"] = .double(psi.seconds)
        figures["psi_1m_online_seconds"] = .double(psi.onlineSeconds)
        figures["psi_1m_peak_rss_mb"] = .double(max(psi.serverPeakMB, psi.clientPeakMB))
        figures["psi_1m_server_peak_rss_mb"] = .double(psi.serverPeakMB)
        figures["psi_1m_client_peak_rss_mb"] = .double(psi.clientPeakMB)
        figures["openmined_psi_1m_seconds"] = psi.openMinedSeconds.map { .double($0) } ?? .null
        figures["openmined_psi_version"] = psi.openMinedVersion.map { .string($0) } ?? .null
        figures["psi_speedup"] = psi.openMinedSeconds.map { .double($0 / psi.seconds) } ?? .null
        figures["openmined_psi_1m_online_seconds"] = psi.openMinedOnlineSeconds.map { .double($0) } ?? .null
        figures["psi_online_speedup"] = psi.openMinedOnlineSeconds.map { .double($0 / psi.onlineSeconds) } ?? .null
        if psi10M {
            // 10,000,000 x 10,000,000 (20,000 with --quick, in chunks of 2,000 so the client still spills runs).
            let large = try PSIBenchmark.runLarge(count: quick ? 20_000 : 10_000_000, chunk: quick ? 2_000 : nil)
            figures["psi_10m_elements"] = .int(Int64(quick ? 20_000 : 10_000_000))
            figures["psi_10m_seconds"] = .double(large.seconds)
            figures["psi_10m_preprocessing_seconds"] = .double(large.preprocessingSeconds)
            figures["psi_10m_query_seconds"] = .double(large.querySeconds)
            figures["psi_10m_client_peak_rss_mb"] = .double(large.clientPeakMB)
            figures["psi_10m_server_peak_rss_mb"] = .double(large.serverPeakMB)
        }
        figures["rounds"] = .int(Int64(rounds))
        return .object(figures)
    }
}

extension PrivacyBenchmark {
    /// Median milliseconds to prove and to verify that a Pedersen commitment
    /// holds a value below 2^32, and the proof's size in bytes.
    static func rangeProof(rounds: Int) throws -> (prove: Double, verify: Double, bytes: Int) {
        let parameters = try ZKParameters.p256()
        let context = Array("pavilion-bench".utf8)
        var prove: [Double] = [], verify: [Double] = []
        var bytes = 0
        let clock = ContinuousClock()
        for round in 0..<rounds {
            let value = UInt64(1_234_567 + round)
            let (commitment, opening) = try PedersenCommitment.commit(value, parameters: parameters)
            var start = clock.now
            let proof = try RangeProof.prove(value: value, blinding: opening.blinding, commitment: commitment, bits: 32,
                                             context: context, parameters: parameters)
            prove.append((clock.now - start).inMilliseconds)
            start = clock.now
            try proof.verify(commitment, bits: 32, context: context, parameters: parameters)
            verify.append((clock.now - start).inMilliseconds)
            bytes = try proof.serialized().count
        }
        return (Stopwatch.median(prove), Stopwatch.median(verify), bytes)
    }
}
