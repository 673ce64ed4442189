import Foundation
import PavilionCore
import PavilionCrypto
import PavilionPrivacy

/// `pavilion privacy receipt verify FILE [--key FILE] [--json]`: check a
/// privacy-receipt bundle offline — the tree head's signature, a `/1`
/// bundle's receipt signature and the receipt's inclusion under the tree
/// head — with a pinned
/// log key, or with the bundle's own key (and a warning) when none is given.
/// Exit status 0 valid, 1 invalid (naming the failed check), 2 usage.
enum PrivacyCommand {
    static let usage = "privacy receipt verify FILE [--key FILE] [--json]"

    static func run(_ words: [String]) throws -> Int32 {
        if words.first == "oprf-key" { return try OPRFKeyCommand.run(Array(words.dropFirst())) }
        if words.first == "log-key" { return try OPRFKeyCommand.logKey(Array(words.dropFirst())) }
        guard words.count >= 2, words[0] == "receipt", words[1] == "verify" else {
            throw UsageError("usage: pavilion \(usage)")
        }
        let args = try Arguments(words.dropFirst(2), flags: ["json"], options: ["key"])
        guard args.positional.count == 1 else { throw UsageError("privacy receipt verify takes one FILE (usage: pavilion \(usage))") }
        let pinned = try args.option("key").map(readKey)
        let path = args.positional[0]
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }

        let report = ReceiptBundle.verify(bytes: Array(data), pinnedKey: pinned)
        if args.flag("json") {
            Output.out(json(report).prettySerialized)
        } else {
            for line in text(report, path: path) { Output.out(line) }
        }
        return report.isValid ? 0 : 1
    }

    /// A `--key` file: the JSON public key a bundle's `log_public_key` holds.
    static func readKey(_ path: String) throws -> LogPublicKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--key: cannot read \(path)") }
        do {
            return try LogPublicKey(json: try JSONParser().parse(bytes: Array(data)))
        } catch {
            throw UsageError("--key \(path): not a log public key ({\"alg\":…,\"kid\":…,\"key\":…}): \(error)")
        }
    }

    static func json(_ report: ReceiptVerification) -> JSONValue {
        var object: [String: JSONValue] = [
            "valid": .bool(report.isValid),
            "checks_passed": .array(report.passed.map { .string($0.rawValue) }),
            "failed_check": report.failure.map { .string($0.check.rawValue) } ?? .null,
            "reason": report.failure.map { .string($0.reason) } ?? .null,
            "key_source": .string(report.keySource.rawValue),
        ]
        if let bundle = report.bundle {
            let receipt = bundle.receipt
            object["key_id"] = .string(bundle.logPublicKey.keyID)
            object["leaf_index"] = .int(Int64(bundle.inclusionProof.leafIndex))
            object["tree_size"] = .int(Int64(bundle.treeHead.treeSize))
            object["tree_timestamp"] = .int(Int64(bundle.treeHead.timestamp))
            object["root_hash"] = .string(Hex.encode(bundle.treeHead.rootHash))
            object["receipt"] = receipt.json
        }
        return .object(object)
    }

    static func text(_ report: ReceiptVerification, path: String) -> [String] {
        guard let bundle = report.bundle, report.isValid else {
            let failure = report.failure.map { "\($0.check.rawValue): \($0.reason)" } ?? "unknown"
            var lines = ["receipt INVALID in \(path): \(failure)"]
            if !report.passed.isEmpty { lines.append("passed: " + report.passed.map(\.rawValue).joined(separator: ", ")) }
            return lines
        }
        let receipt = bundle.receipt
        var lines = [
            "receipt valid: request \(receipt.requestID) (tenant \(receipt.tenant), connector \(receipt.connector), "
                + "purpose \(receipt.purpose), basis \(receipt.lawfulBasis.rawValue))",
            "included as leaf \(bundle.inclusionProof.leafIndex) of tree size \(bundle.treeHead.treeSize) "
                + "(root \(Hex.encode(bundle.treeHead.rootHash)))",
            "checks passed: " + report.passed.map(\.rawValue).joined(separator: ", "),
        ]
        switch report.keySource {
        case .pinned:
            lines.append("signed by the pinned log key \(bundle.logPublicKey.keyID)")
        case .bundle:
            lines.append("warning: checked with the bundle's own key \(bundle.logPublicKey.keyID), which proves only that the bundle is "
                         + "self-consistent; pin the log's key with --key FILE")
        }
        return lines
    }
}
