import PavilionCore

/// Applies one compiled step to a record's fields.
enum TransformRunner {
    /// Domain separation so that a token never equals the hash of the same value.
    static let tokenPrefix = Array("pavilion-token-v1\u{0}".utf8)

    static func apply(_ step: TransformStep, index: Int, to fields: inout [String: JSONValue],
                      context: TransformContext) throws(TransformError) -> TransformStepRecord {
        let input = step.input
        func fail(_ code: TransformError.Code, _ reason: String, _ field: String = input) -> TransformError {
            TransformError(code, reason, step: index, field: field)
        }
        func record(wrote: [String] = [], removed: [String] = [], detail: String? = nil) -> TransformStepRecord {
            TransformStepRecord(index: index, operation: step.operation, detail: detail ?? step.detail, read: [input],
                                wrote: wrote, removed: removed, outcome: .applied)
        }
        guard let value = fields[input], value != .null else {
            return TransformStepRecord(index: index, operation: step.operation, detail: step.detail, read: [input], outcome: .skipped)
        }
        func string() throws(TransformError) -> String {
            guard let s = value.stringValue else {
                throw fail(.invalidValue, "expected a string, found \(value.typeName)")
            }
            return s
        }
        func unwrap<T>(_ result: Result<T, TransformProblem>) throws(TransformError) -> T {
            switch result {
            case .success(let v): return v
            case .failure(let problem): throw fail(.invalidValue, problem.reason)
            }
        }

        switch step {
        case .rename(let from, let to):
            guard fields[to] == nil else { throw fail(.fieldConflict, "rename target \"\(to)\" already exists", to) }
            fields[to] = value
            fields[from] = nil
            return record(wrote: [to], removed: [from])

        case .map(let field, let values, let fallback):
            let key: String
            switch value {
            case .string(let s): key = s
            case .int, .bool: key = value.serialized
            default: throw fail(.invalidValue, "map takes strings, integers or Booleans, found \(value.typeName)")
            }
            if let replacement = values[key] {
                fields[field] = replacement
                return record(wrote: [field])
            }
            guard let fallback else { throw fail(.invalidValue, "value has no mapping and the step has no default") }
            fields[field] = fallback
            return record(wrote: [field], detail: "default")

        case .normalize(let field, let kind):
            let text = try string()
            switch kind {
            case .e164(let cc):
                fields[field] = .string(try unwrap(PhoneNumberNormalizer.normalize(text, defaultCountryCode: cc)))
            case .iso8601Date:
                fields[field] = .string(try unwrap(date(text)).description)
            case .nfcCasefold:
                fields[field] = .string(NameFolding.fold(text))
            case .address:
                fields[field] = try unwrap(AddressSplitter.split(text))
            }
            return record(wrote: [field])

        case .derive(_, let ages):
            let birth = try unwrap(date(try string()))
            guard birth <= context.today else { throw fail(.invalidValue, "birth date is after today") }
            for age in ages where fields[age.field] != nil {
                throw fail(.fieldConflict, "derived field \"\(age.field)\" already exists", age.field)
            }
            let years = birth.age(on: context.today)
            for age in ages { fields[age.field] = .bool(years >= age.years) }
            return record(wrote: ages.map(\.field))

        case .generalize(let field, let rule):
            switch rule {
            case .ranges(let bounds):
                guard let number = value.doubleValue else {
                    throw fail(.invalidValue, "ranges take a number, found \(value.typeName)")
                }
                fields[field] = .string(label(number, bounds))
            case .year:
                fields[field] = .int(Int64(try unwrap(date(try string())).year))
            case .decade:
                fields[field] = .string("\(try unwrap(date(try string())).year / 10 * 10)s")
            }
            return record(wrote: [field])

        case .hash(let field), .tokenize(let field):
            guard let keyedHash = context.keyedHash else {
                throw fail(.keyUnavailable, "\(step.operation) needs the tenant's keyed hash, and none was supplied")
            }
            let bytes: [UInt8]
            if case .string(let s) = value { bytes = Array(s.utf8) } else { bytes = value.serializedBytes }
            if case .hash = step {
                fields[field] = .string(ContentDigest.hex(keyedHash(bytes)))
            } else {
                fields[field] = .string("tok_" + Base64URLCoding.encode(Array(keyedHash(tokenPrefix + bytes).prefix(16))))
            }
            return record(wrote: [field])

        case .redact(let field):
            fields[field] = nil
            return record(removed: [field])
        }
    }

    static func date(_ text: String) -> Result<CivilDate, TransformProblem> {
        switch CivilDate.read(text) {
        case .date(let d): return .success(d)
        case .impossible(let why): return .failure(TransformProblem("impossible date: \(why)"))
        case .unrecognised:
            return .failure(TransformProblem(
                "not a date in an accepted shape (YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD, DD.MM.YYYY, ISO 8601 date-time)"))
        }
    }

    /// `<b0`, `bi-(bi+1 − 1)`, `bk+`.
    static func label(_ v: Double, _ bounds: [Int64]) -> String {
        guard let first = bounds.first, let last = bounds.last else { return "" }
        if v < Double(first) { return "<\(first)" }
        if v >= Double(last) { return "\(last)+" }
        for (lo, hi) in zip(bounds, bounds.dropFirst()) where v >= Double(lo) && v < Double(hi) {
            return "\(lo)-\(hi - 1)"
        }
        return "\(last)+"
    }

}
