import Foundation
import PavilionCore
import PavilionSimulators

/// `pavilion simulate camara|fhir|echo [options]`: run one DP simulator in
/// the foreground. Once listening it prints one JSON line
/// `{"simulator":"camara","url":"http://127.0.0.1:PORT"}` on stdout, then
/// serves until SIGTERM or SIGINT and exits 0 after a clean shutdown.
/// `--sign jws|http-message-signatures --sign-jwks FILE [--sign-kid ID]`
/// signs every response with a fresh P-256 key whose public JWK set is
/// written to FILE (for a manifest's `spec.integrity.keys`).
enum SimulateCommand {
    static let options: Set<String> = ["host", "port", "tls-cert", "tls-key", "latency-ms", "error-rate", "status",
                                       "client-id", "client-secret", "people", "threads", "seed", "sign", "sign-jwks", "sign-kid"]
    static let flags: Set<String> = ["garbage", "stall", "reset"]

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: flags, options: options)
        guard arguments.positional.count == 1, let kind = SimulatorKind(rawValue: arguments.positional[0]) else {
            throw UsageError("simulate needs exactly one of \(SimulatorKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let configuration = try configuration(kind: kind, arguments)
        let simulator = try DPSimulator(configuration: configuration)
        try simulator.start()

        let stop = TerminationSignal()
        let line: JSONValue = ["simulator": .string(kind.rawValue), "url": .string(simulator.url)]
        Output.out(line.serialized)
        stop.wait()
        Output.err("pavilion simulate: stopping")
        let done = DispatchSemaphore(value: 0)
        Task {
            await simulator.shutdown(gracePeriod: .seconds(2))
            done.signal()
        }
        done.wait()
        return 0
    }

    static func configuration(kind: SimulatorKind, _ arguments: Arguments) throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(kind: kind)
        if let host = arguments.option("host") { configuration.host = host }
        configuration.port = try integer(arguments, "port", default: 0, in: 0...65_535)
        configuration.tlsCertificateFile = arguments.option("tls-cert")
        configuration.tlsKeyFile = arguments.option("tls-key")
        guard (configuration.tlsCertificateFile == nil) == (configuration.tlsKeyFile == nil) else {
            throw UsageError("--tls-cert and --tls-key go together")
        }
        if let id = arguments.option("client-id") { configuration.clientID = id }
        if let secret = arguments.option("client-secret") { configuration.clientSecret = secret }
        if let path = arguments.option("people") { configuration.people = try SyntheticPerson.load(path: path) }
        configuration.threads = try integer(arguments, "threads", default: 1, in: 1...64)
        if let seed = arguments.option("seed") {
            guard let value = UInt64(seed) else { throw UsageError("--seed must be an unsigned integer") }
            configuration.randomSeed = value
        }
        var faults = SimulatorFaults()
        faults.latencyMs = try integer(arguments, "latency-ms", default: 0, in: 0...SimulatorFaults.maxLatencyMs)
        if let rate = arguments.option("error-rate") {
            guard let value = Double(rate), (0...1).contains(value) else {
                throw UsageError("--error-rate must be a number from 0 to 1")
            }
            faults.errorRate = value
        }
        if arguments.option("status") != nil {
            faults.status = try integer(arguments, "status", default: 200, in: 200...599)
        }
        faults.garbage = arguments.flag("garbage")
        faults.stall = arguments.flag("stall")
        faults.reset = arguments.flag("reset")
        configuration.faults = faults
        if let scheme = arguments.option("sign") {
            guard let scheme = SimulatorResponseSigner.Scheme(rawValue: scheme) else {
                throw UsageError("--sign takes jws or http-message-signatures")
            }
            guard let jwks = arguments.option("sign-jwks") else {
                throw UsageError("--sign needs --sign-jwks FILE, where the public key set for the manifest's spec.integrity.keys is written")
            }
            let signer = try SimulatorResponseSigner.generate(keyID: arguments.option("sign-kid") ?? "simulator", scheme: scheme)
            try Data(signer.publicJWKS.serialized.utf8).write(to: URL(fileURLWithPath: jwks))
            configuration.responseSigner = signer
        } else if arguments.option("sign-jwks") != nil || arguments.option("sign-kid") != nil {
            throw UsageError("--sign-jwks and --sign-kid go with --sign")
        }
        return configuration
    }

    private static func integer(_ arguments: Arguments, _ name: String, default fallback: Int,
                                in range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = arguments.option(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("--\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
