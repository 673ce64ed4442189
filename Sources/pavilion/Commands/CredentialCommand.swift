import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHost
import PavilionNet

/// `pavilion credential verify [--trust FILE] [--trust-anchors PEM] [--now UNIX] [--nonce N --audience A] [--max-age S] [--ca-file PEM] FILE|-`:
/// detect the credential's format (a `vc+jwt` compact JWS, a `dc+sd-jwt`
/// SD-JWT VC, or a JSON credential with a Data Integrity `proof`), check its
/// signature with a key from the `x5c` chain validated to `--trust-anchors`,
/// the `--trust` JWK Set, or a DID (did:key, did:jwk, did:web), its data model, validity period, freshness, key
/// binding and status (the status list fetched over HTTP), and print a JSON
/// report naming each check. Exit 0 when valid, 1 when not, 2 for a usage
/// error. The checks are PavilionHost's ``CredentialVerifier``, the same
/// as `POST /v1/credentials/verify`.
enum CredentialCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard words.first == "verify" else {
            throw UsageError(words.first.map { "unknown credential subcommand '\($0)' (verify)" } ?? "credential needs a subcommand: verify")
        }
        let args = try Arguments(words.dropFirst(), options: ["trust", "now", "nonce", "audience", "max-age", "ca-file",
                                                                       "trust-anchors"])
        guard args.positional.count == 1, let input = args.positional.first else {
            throw UsageError("credential verify takes one FILE (or - for stdin)")
        }
        var clock = SystemCredentialClock().now
        if let text = args.option("now") {
            guard let seconds = Double(text), seconds >= 0 else { throw UsageError("--now must be Unix seconds") }
            clock = Date(timeIntervalSince1970: seconds)
        }
        var trusted: [JWK]?
        if let path = args.option("trust") {
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read the --trust file \(path)") }
            do { trusted = try JWKSet(parsing: String(decoding: data, as: UTF8.self)).keys } catch {
                throw UsageError("--trust \(path) is not a JWK Set: \(error.reason)")
            }
        }
        var anchors: X509ChainValidator?
        if let path = args.option("trust-anchors") {
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read the --trust-anchors file \(path)") }
            do { anchors = X509ChainValidator(anchors: try X509Certificate.bundle(pem: String(decoding: data, as: UTF8.self))) } catch {
                throw UsageError("--trust-anchors \(path) is not a PEM certificate bundle: \(error.reason)")
            }
        }
        var binding: KeyBindingExpectation?
        switch (args.option("nonce"), args.option("audience")) {
        case (nil, nil): break
        case (.some(let nonce), .some(let audience)) where !nonce.isEmpty && !audience.isEmpty:
            binding = KeyBindingExpectation(audience: audience, nonce: nonce)
        default: throw UsageError("--nonce and --audience go together")
        }
        var maximumAge: TimeInterval?
        if let text = args.option("max-age") {
            guard let seconds = Int(text), seconds > 0 else { throw UsageError("--max-age must be a positive number of seconds") }
            maximumAge = TimeInterval(seconds)
        }
        let bytes: Data?
        if input == "-" {
            bytes = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            bytes = FileManager.default.contents(atPath: input)
        }
        guard let bytes else { throw UsageError("cannot read \(input)") }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        var trustRoots = TLSConfiguration.TrustRoots.system
        if let ca = args.option("ca-file") {
            guard FileManager.default.isReadableFile(atPath: ca) else { throw UsageError("cannot read the --ca-file \(ca)") }
            trustRoots = .caFile(ca)
        }
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: .client(trustRoots: trustRoots)))
        defer { client.shutdown() }
        let verifier = CredentialVerifier(trusted: trusted, clock: FixedCredentialClock(clock),
                                          statusFetcher: HTTPStatusListFetcher(client: client), keyBinding: binding,
                                          maximumAge: maximumAge, didWebFetcher: HTTPDIDWebFetcher(client: client),
                                          x5cAnchors: anchors)
        let report = try Blocking.run { await verifier.verify(text) }
        Output.out(report.json.prettySerialized)
        return report.isValid ? 0 : 1
    }
}
