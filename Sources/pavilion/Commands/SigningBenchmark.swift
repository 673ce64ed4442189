import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHSM

/// `pavilion bench signing`: ES256 signing in process, beside
/// `openssl speed ecdsap256` run in the same command, through SoftHSM2 over
/// PKCS #11, verification, SD-JWT VC issuance and a status-list lookup.
enum SigningBenchmark {
    static func run(quick: Bool) throws -> JSONValue {
        let rounds = quick ? 2 : 5
        let scale = quick ? 10 : 1
        let message = Array("eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5wYXZpbGlvbi5leGFtcGxlIn0".utf8)
        var figures: [String: JSONValue] = [:]

        // ES256 sign and verify through PavilionCrypto: SHA-256 of the
        // message, EVP_PKEY_sign on the key's reused context, the DER
        // signature decoded to the JOSE r||s form.
        let key = try ECPrivateKey(curve: .p256)
        Output.err("bench signing: ES256 sign, \(rounds) rounds")
        // `openssl speed` divides by the user CPU time of its process (unless
        // given -elapsed), so the compared figure counts this thread's CPU
        // time (user + system, a little stricter); wall clock is reported too.
        let sign = try BenchRate.perSecond(rounds: rounds, operations: 20_000 / scale, cpuTime: true) {
            _ = try key.signature(for: message)
        }
        figures["es256_sign_per_s"] = .double(sign)
        figures["es256_sign_wall_per_s"] = .double(try BenchRate.perSecond(rounds: rounds, operations: 20_000 / scale) {
            _ = try key.signature(for: message)
        })
        let signature = try key.signature(for: message)
        Output.err("bench signing: ES256 verify")
        var rejected = 0
        let verify = try BenchRate.perSecond(rounds: rounds, operations: 10_000 / scale) {
            if !key.publicKey.isValidSignature(signature, for: message) { rejected += 1 }
        }
        guard rejected == 0 else { throw BenchError("a valid ES256 signature was rejected") }
        figures["es256_verify_per_s"] = .double(verify)

        // The reference: OpenSSL's own loop over the same curve.
        let seconds = quick ? 1 : 3
        Output.err("bench signing: openssl speed -seconds \(seconds) ecdsap256")
        if let openssl = opensslSpeed(seconds: seconds) {
            figures["openssl_es256_sign_per_s"] = .double(openssl.sign)
            figures["openssl_es256_verify_per_s"] = .double(openssl.verify)
            figures["ratio"] = .double(sign / openssl.sign)
        } else {
            Output.err("bench signing: openssl speed did not run or its output was not understood; openssl figures are null")
            figures["openssl_es256_sign_per_s"] = .null
            figures["openssl_es256_verify_per_s"] = .null
            figures["ratio"] = .null
        }

        figures["hsm_es256_sign_per_s"] = try hsmSignPerSecond(message: message, rounds: rounds, operations: 2_000 / scale)
        figures["issue_sd_jwt_vc_per_s"] = .double(try issuePerSecond(rounds: rounds, operations: 2_000 / scale))
        figures["status_lookup_ns"] = .double(statusLookupNanoseconds(rounds: rounds, lookups: quick ? 100_000 : 1_000_000))
        figures["status_list_entries"] = 1_000_000
        figures["rounds"] = .int(Int64(rounds))
        return .object(figures)
    }

    /// `openssl speed -seconds N ecdsap256`: the sign/s and verify/s columns
    /// of its nistp256 line, or nil when it cannot run.
    private static func opensslSpeed(seconds: Int) -> (sign: Double, verify: Double)? {
        guard let output = BenchProcess.output(["openssl", "speed", "-seconds", String(seconds), "ecdsap256"]) else { return nil }
        for line in output.split(separator: "\n") where line.contains("(nistp256)") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let sign = Double(fields[fields.count - 2]), let verify = Double(fields[fields.count - 1]) else {
                return nil
            }
            return (sign, verify)
        }
        return nil
    }

    static let softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"
    static let softHSMUtility = "/usr/bin/softhsm2-util"

    /// ES256 signatures per second by a key generated in a fresh SoftHSM2
    /// token (one session, one thread), or null when SoftHSM2 is missing.
    private static func hsmSignPerSecond(message: [UInt8], rounds: Int, operations: Int) throws -> JSONValue {
        guard FileManager.default.fileExists(atPath: softHSMModule),
              FileManager.default.isExecutableFile(atPath: softHSMUtility) else {
            Output.err("bench signing: SoftHSM2 is not installed (\(softHSMModule), \(softHSMUtility)); hsm_es256_sign_per_s is null")
            return .null
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-bench-hsm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokens = directory.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("softhsm2.conf")
        try """
        directories.tokendir = \(tokens.path)
        objectstore.backend = file
        log.level = ERROR
        slots.removable = false

        """.write(to: configuration, atomically: true, encoding: .utf8)
        setenv("SOFTHSM2_CONF", configuration.path, 1)
        let pin = "bench-pin-1234"
        guard BenchProcess.output([softHSMUtility, "--init-token", "--free", "--label", "pavilion-bench",
                                   "--pin", pin, "--so-pin", "bench-so-5678"]) != nil else {
            throw BenchError("softhsm2-util --init-token failed")
        }
        let pinFile = directory.appendingPathComponent("pin")
        try (pin + "\n").write(to: pinFile, atomically: true, encoding: .utf8)
        let token = try HSMConfiguration(modulePath: softHSMModule, tokenLabel: "pavilion-bench", pin: .file(pinFile.path),
                                         sessions: 1, checkoutTimeout: .seconds(30)).openToken()
        let signer = try HSMSigner.generate(in: token, label: "bench-es256", algorithm: .es256)
        Output.err("bench signing: ES256 sign through SoftHSM2 (PKCS #11)")
        return .double(try BenchRate.perSecond(rounds: rounds, operations: operations) { _ = try signer.sign(message) })
    }

    /// SD-JWT VCs issued per second: a bearer credential with five
    /// selectively disclosable claims (one nested object), decoys, and an
    /// ES256 signature by a software key.
    private static func issuePerSecond(rounds: Int, operations: Int) throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-bench-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SystemRandomNumberGenerator()
        let master = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let store = try SoftwareKeyStore(directory: directory.path, masterKey: .bytes(master))
        let signer = try store.generate(label: "issuer", algorithm: .es256)
        let issuer = try SDJWTVCIssuer(signer: signer)
        let now = Int64(Date().timeIntervalSince1970)
        let claims = SDJWTVCClaims(issuer: "https://issuer.pavilion.example/tenants/bench",
                                   vct: "https://credentials.pavilion.example/identity_match",
                                   claims: ["given_name": "Erika", "family_name": "Mustermann",
                                            "address": ["locality": "Köln", "country": "DE"],
                                            "age_over": ["18": true, "21": true]],
                                   issuedAt: now, notBefore: now, expiresAt: now + 86_400,
                                   status: ["status_list": ["idx": 412, "uri": "https://issuer.pavilion.example/statuslists/1"]],
                                   subject: "user-42")
        Output.err("bench signing: SD-JWT VC issuance")
        return try BenchRate.perSecond(rounds: rounds, operations: operations) {
            _ = try issuer.issue(claims, holderKey: nil)
        }
    }

    /// Nanoseconds per lookup of a random index in a 1,000,000-entry,
    /// 1-bit status list (about 1% revoked); the random indices are drawn
    /// before the clock starts.
    private static func statusLookupNanoseconds(rounds: Int, lookups: Int) -> Double {
        let entries = 1_000_000
        var generator = SystemRandomNumberGenerator()
        guard var list = try? StatusList(size: entries, bits: .one) else { return .nan }
        for _ in 0..<(entries / 100) { try? list.setStatus(.invalid, at: Int.random(in: 0..<entries, using: &generator)) }
        let indices = (0..<lookups).map { _ in Int.random(in: 0..<entries, using: &generator) }
        Output.err("bench signing: status list lookups")
        var results: [Double] = []
        var revoked = 0
        for round in 0...rounds {
            let ns = Stopwatch.nanoseconds {
                for index in indices where (try? list.status(at: index)) == .invalid { revoked &+= 1 }
            }
            if round > 0 { results.append(Double(ns) / Double(lookups)) }  // round 0 warms up
        }
        withExtendedLifetime(revoked) {}
        return Stopwatch.median(results)
    }
}

/// Throughput helpers shared by the in-process benchmarks.
enum BenchRate {
    /// The median over `rounds` timed rounds of `operations` calls of
    /// `body` per second, after one untimed warm-up round of a tenth.
    /// - Parameter cpuTime: count the calling thread's CPU time
    ///   (``ThreadCPUClock``) instead of wall-clock time.
    static func perSecond(rounds: Int, operations: Int, cpuTime: Bool = false, _ body: () throws -> Void) throws -> Double {
        let count = max(operations, 1)
        for _ in 0..<max(count / 10, 1) { try body() }
        var rates: [Double] = []
        for _ in 0..<max(rounds, 1) {
            let ns = cpuTime ? try ThreadCPUClock.nanoseconds { for _ in 0..<count { try body() } }
                             : try Stopwatch.nanoseconds { for _ in 0..<count { try body() } }
            rates.append(ns > 0 ? Double(count) * 1e9 / Double(ns) : 0)
        }
        return Stopwatch.median(rates)
    }
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`: user and
/// system), the unit `openssl speed` reports in: waiting for a core the
/// other processes hold is not counted against either side.
enum ThreadCPUClock {
    /// The CPU nanoseconds the calling thread spends in `body`.
    static func nanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
        let start = now()
        try body()
        return now() &- start
    }

    private static func now() -> UInt64 {
        var time = timespec()
        // Cannot fail for this clock id and a valid timespec.
        _ = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// Runs a reference tool for a benchmark.
enum BenchProcess {
    /// The standard output of `arguments` (looked up on PATH), or nil when
    /// it cannot start or exits non-zero. Standard error is discarded.
    static func output(_ arguments: [String]) -> String? {
        guard let run = try? ChildProcesses.capture("/usr/bin/env", arguments), run.exitStatus == 0 else { return nil }
        return String(decoding: run.output, as: UTF8.self)
    }
}
