import Foundation
import PavilionCore
import PavilionStore

/// `pavilion audit verify [--data DIR | --config FILE] [--json]`: walk the
/// whole audit trail and report the first broken record. Exit status 0 when
/// the chain is intact, 1 otherwise (or when the store cannot be read).
enum AuditCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard words.first == "verify" else {
            throw UsageError(words.first.map { "unknown audit subcommand '\($0)' (verify)" } ?? "audit needs a subcommand: verify")
        }
        return try OperatorCommand.guarded { try verify(words.dropFirst()) }
    }

    static func verify(_ words: ArraySlice<String>) throws -> Int32 {
        let args = try Arguments(words, flags: ["json"], options: DataLocation.options)
        guard args.positional.isEmpty else { throw UsageError("audit verify takes no positional arguments") }
        let store = try DataLocation.openStore(try DataLocation.resolve(args), create: false)
        let report = try Blocking.run { try await store.verifyAuditChain() }
        if args.flag("json") {
            Output.out(json(report).prettySerialized)
        } else {
            for line in text(report, directory: store.dataDirectory) { Output.out(line) }
        }
        return report.isIntact ? 0 : 1
    }

    static func json(_ report: AuditVerification) -> JSONValue {
        let first: JSONValue = report.firstProblem.map { problem in
            var object: [String: JSONValue] = [
                "sequence": problem.sequence.map { .int($0) } ?? .null,
                "kind": .string(problem.kind.rawValue),
                "detail": .string(problem.detail),
            ]
            if let verification = problem.verificationID { object["verification_id"] = .string(verification) }
            return .object(object)
        } ?? .null
        return [
            "intact": .bool(report.isIntact),
            "records": .int(report.recordCount),
            "last_sequence": .int(report.lastSequence),
            "head_hash": .string(report.headHash),
            "checkpoints": .int(Int64(report.checkpointCount)),
            "verifications": .int(report.verificationCount),
            "problems": .int(Int64(report.problems.count)),
            "first_problem": first,
        ]
    }

    static func text(_ report: AuditVerification, directory: String) -> [String] {
        let counts = "\(report.recordCount) record(s) checked (last sequence \(report.lastSequence)), "
            + "\(report.checkpointCount) checkpoint(s), \(report.verificationCount) verification(s)"
        guard let first = report.firstProblem else {
            return ["audit trail intact: \(counts)", "head hash: \(report.headHash)"]
        }
        var where_ = first.sequence.map { "record \($0)" } ?? first.verificationID.map { "verification \($0)" } ?? "the trail"
        if first.kind == .checkpointBeyondChain || first.kind == .checkpointHashMismatch
            || first.kind == .checkpointSignatureInvalid || first.kind == .checkpointKeyUntrusted {
            where_ = first.sequence.map { "checkpoint at sequence \($0)" } ?? "a checkpoint"
        }
        var lines = ["audit trail BROKEN in \(directory): first broken at \(where_): \(first.kind.rawValue): \(first.detail)"]
        if report.problems.count > 1 {
            lines.append("\(report.problems.count) problem(s) in all"
                         + (report.problems.count >= AuditVerification.maxProblems ? " (report capped)" : "") + ":")
            lines += report.problems.map { "  \($0)" }
        }
        lines.append(counts)
        return lines
    }
}
