import PavilionCore
import PavilionCrypto

/// A micro-benchmark of the server side, for `pavilion bench privacy`
/// (`oprf_evaluate_per_s`). Not a test: it only measures.
public enum OPRFBenchmark {
    /// Server `BlindEvaluate` throughput: elements per second over `count`
    /// client-blinded elements (blinding is done before the clock starts),
    /// evaluated in batches of `batchSize` with a fresh random key. In
    /// VOPRF and POPRF mode each batch includes its DLEQ proof.
    /// - Parameters:
    ///   - suite: the suite.
    ///   - mode: the mode.
    ///   - count: how many elements to evaluate.
    ///   - batchSize: elements per `BlindEvaluate` call (1 in OPRF mode is the RFC's shape).
    /// - Returns: evaluated elements per second.
    /// - Throws: ``OPRFError`` when the protocol fails (it should not).
    public static func evaluationsPerSecond(suite: OPRFSuite = .p256SHA256, mode: OPRFMode = .oprf,
                                            count: Int = 1000, batchSize: Int = 1) throws(OPRFError) -> Double {
        let key = try OPRFPrivateKey.generate(suite: suite)
        let client = try OPRFClient(suite: suite)
        var elements: [[UInt8]] = []
        for i in 0..<max(1, count) { elements.append(try client.blind(Array("bench-\(i)".utf8)).blindedElement) }
        let batches = stride(from: 0, to: elements.count, by: max(1, batchSize)).map {
            Array(elements[$0 ..< min($0 + max(1, batchSize), elements.count)])
        }
        let info = Array("bench".utf8)
        let clock = ContinuousClock()
        let start = clock.now
        switch mode {
        case .oprf:
            let server = try OPRFServer(privateKey: key)
            for element in elements { _ = try server.blindEvaluate(element) }
        case .voprf:
            let server = try VOPRFServer(privateKey: key)
            for batch in batches { _ = try server.blindEvaluate(batch) }
        case .poprf:
            let server = try POPRFServer(privateKey: key)
            for batch in batches { _ = try server.blindEvaluate(batch, info: info) }
        }
        let elapsed = clock.now - start
        let seconds = elapsed.inSeconds
        return seconds > 0 ? Double(elements.count) / seconds : 0
    }
}
