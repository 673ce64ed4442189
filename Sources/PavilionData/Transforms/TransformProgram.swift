import PavilionCore

/// A list of declarative record transforms, compiled once (at manifest
/// load) and run on each record: rename, map, normalize, derive,
/// generalize, hash, tokenize, redact. The language is in docs/data.md;
/// the manifest's `spec.transforms` holds a description.
///
/// ```swift
/// let program = try TransformProgram(try JSONParser().parse(#"""
///     [{"rename": {"from": "dob", "to": "birthdate"}},
///      {"derive": {"from": "birthdate", "age_over": [18, 21]}},
///      {"redact": {"field": "birthdate"}}]
///     """#))
/// let result = try program.run(record, context: TransformContext(today: today))
/// result.output   // {"age_over_18": true, "age_over_21": false, …}
/// result.steps    // what each step did, for lineage
/// ```
///
/// A step whose input field is absent or `null` is skipped (and recorded
/// as skipped); any other value it cannot handle fails the run.
public struct TransformProgram: Sendable, Hashable {
    /// Most steps a program may have.
    public static let maxSteps = 256

    let steps: [TransformStep]

    /// Compile a program description.
    /// - Parameter description: a JSON array of steps, each an object
    ///   with one member naming the operation.
    /// - Throws: ``TransformError`` with code `invalidProgram`, naming the
    ///   step index and the key path inside the step (`normalize.as`).
    public init(_ description: JSONValue) throws(TransformError) {
        steps = try TransformCompiler.compile(description)
    }

    /// Number of steps.
    public var count: Int { steps.count }

    /// The record fields each step reads, by step index; a manifest linter
    /// checks them against the output schema.
    public var fieldsRead: [String] { steps.map(\.input) }

    /// Run every step, in order, on `record`.
    /// - Parameters:
    ///   - record: a JSON object.
    ///   - context: today's date and the tenant's keyed hash.
    /// - Returns: the transformed object and what each step did.
    /// - Throws: ``TransformError`` naming the step and field: the record
    ///   is not an object, a value cannot be transformed, a step would
    ///   overwrite a field, or a keyed hash is needed but absent.
    public func run(_ record: JSONValue, context: TransformContext) throws(TransformError) -> TransformResult {
        guard var fields = record.objectValue else {
            throw TransformError(.notAnObject, "record is \(record.typeName), expected an object", step: 0, field: nil)
        }
        var records: [TransformStepRecord] = []
        records.reserveCapacity(steps.count)
        for (index, step) in steps.enumerated() {
            records.append(try TransformRunner.apply(step, index: index, to: &fields, context: context))
        }
        return TransformResult(output: .object(fields), steps: records)
    }
}
