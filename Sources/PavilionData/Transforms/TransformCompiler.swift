import PavilionCore

/// Turns a program description (JSON) into ``TransformStep``s, refusing
/// anything not in the language with the step index and key path.
enum TransformCompiler {
    /// Operations and the keys each takes: (required, optional).
    static let operations: [String: (required: [String], optional: [String])] = [
        "rename": (["from", "to"], []),
        "map": (["field", "values"], ["default"]),
        "normalize": (["field", "as"], ["country_code"]),
        "derive": (["from", "age_over"], ["as"]),
        "generalize": (["field"], ["ranges", "to"]),
        "hash": (["field", "with", "key"], []),
        "tokenize": (["field", "key"], []),
        "redact": (["field"], []),
    ]
    static let operationOrder = ["rename", "map", "normalize", "derive", "generalize", "hash", "tokenize", "redact"]
    static let normalizations = ["e164", "iso8601-date", "nfc-casefold", "address"]
    static let maxFieldLength = 128

    static func compile(_ description: JSONValue) throws(TransformError) -> [TransformStep] {
        guard let items = description.arrayValue else {
            throw TransformError(.invalidProgram, "a program is a list of steps, found \(description.typeName)", step: 0, field: nil)
        }
        guard items.count <= TransformProgram.maxSteps else {
            throw TransformError(.invalidProgram, "a program has at most \(TransformProgram.maxSteps) steps, found \(items.count)",
                                 step: TransformProgram.maxSteps, field: nil)
        }
        var steps: [TransformStep] = []
        for (index, item) in items.enumerated() {
            steps.append(try compileStep(item, index: index))
        }
        return steps
    }

    static func compileStep(_ item: JSONValue, index: Int) throws(TransformError) -> TransformStep {
        func fail(_ key: String?, _ reason: String) -> TransformError {
            TransformError(.invalidProgram, reason, step: index, field: key)
        }
        let expected = operationOrder.joined(separator: ", ")
        guard let object = item.objectValue, object.count == 1, let (op, argsValue) = object.first else {
            throw fail(nil, "a step is an object with exactly one member naming its operation (\(expected))")
        }
        guard let spec = operations[op] else {
            throw fail(op, "unknown operation; expected one of: \(expected)")
        }
        guard let args = argsValue.objectValue else {
            throw fail(op, "expected an object of arguments, found \(argsValue.typeName)")
        }
        for key in args.keys.sorted() where !spec.required.contains(key) && !spec.optional.contains(key) {
            throw fail("\(op).\(key)", "unknown key; expected one of: \((spec.required + spec.optional).joined(separator: ", "))")
        }
        for key in spec.required where args[key] == nil {
            throw fail(op, "missing required key '\(key)'")
        }
        func field(_ key: String) throws(TransformError) -> String {
            guard let s = args[key]?.stringValue else {
                throw fail("\(op).\(key)", "expected a field name (string), found \(args[key]?.typeName ?? "nothing")")
            }
            guard !s.isEmpty, s.unicodeScalars.count <= maxFieldLength else {
                throw fail("\(op).\(key)", "a field name has 1-\(maxFieldLength) characters")
            }
            return s
        }
        func word(_ key: String, _ allowed: [String]) throws(TransformError) -> String {
            guard let s = args[key]?.stringValue, allowed.contains(s) else {
                throw fail("\(op).\(key)", "expected one of: \(allowed.joined(separator: ", "))")
            }
            return s
        }
        switch op {
        case "rename":
            let from = try field("from"), to = try field("to")
            guard from != to else { throw fail("rename.to", "renames a field to itself") }
            return .rename(from: from, to: to)
        case "map":
            let name = try field("field")
            guard let values = args["values"]?.objectValue, !values.isEmpty else {
                throw fail("map.values", "expected a non-empty object mapping values to replacements")
            }
            return .map(field: name, values: values, fallback: args["default"])
        case "normalize":
            let name = try field("field")
            let kind = try word("as", normalizations)
            if let cc = args["country_code"] {
                guard kind == "e164" else { throw fail("normalize.country_code", "only 'as: e164' takes a country_code") }
                guard let s = cc.stringValue, isCountryCode(s) else {
                    throw fail("normalize.country_code", "expected 1-3 digits as a string, not starting with 0 (e.g. \"44\")")
                }
            }
            switch kind {
            case "e164": return .normalize(field: name, kind: .e164(countryCode: args["country_code"]?.stringValue))
            case "iso8601-date": return .normalize(field: name, kind: .iso8601Date)
            case "nfc-casefold": return .normalize(field: name, kind: .nfcCasefold)
            default: return .normalize(field: name, kind: .address)
            }
        case "derive":
            let from = try field("from")
            guard let list = args["age_over"]?.arrayValue, !list.isEmpty else {
                throw fail("derive.age_over", "expected a non-empty list of ages in years")
            }
            var template = "age_over_{N}"
            if let t = args["as"] {
                guard let s = t.stringValue, isAgeTemplate(s) else {
                    throw fail("derive.as", "expected a field name template containing {N} once and no other braces, e.g. age_over_{N}")
                }
                template = s
            }
            var ages: [Int] = []
            for value in list {
                guard let n = value.intValue, (1...150).contains(n) else {
                    throw fail("derive.age_over", "ages are integers from 1 to 150")
                }
                guard !ages.contains(Int(n)) else { throw fail("derive.age_over", "age \(n) is listed twice") }
                ages.append(Int(n))
            }
            return .derive(from: from, ages: ages.sorted().map {
                TransformStep.AgeOver(years: $0, field: template.replacingAll("{N}", with: String($0)))
            })
        case "generalize":
            let name = try field("field")
            switch (args["ranges"], args["to"]) {
            case (let ranges?, nil):
                guard let list = ranges.arrayValue, !list.isEmpty, list.count <= 64 else {
                    throw fail("generalize.ranges", "expected a list of 1-64 integer boundaries")
                }
                var bounds: [Int64] = []
                for value in list {
                    guard let n = value.intValue else { throw fail("generalize.ranges", "boundaries are integers") }
                    guard !bounds.contains(n) else { throw fail("generalize.ranges", "boundary \(n) is listed twice") }
                    bounds.append(n)
                }
                return .generalize(field: name, rule: .ranges(bounds.sorted()))
            case (nil, _?):
                return .generalize(field: name, rule: try word("to", ["year", "decade"]) == "year" ? .year : .decade)
            default:
                throw fail("generalize", "give exactly one of 'ranges' or 'to'")
            }
        case "hash":
            let name = try field("field")
            _ = try word("with", ["hmac-sha256"])
            _ = try word("key", ["tenant"])
            return .hash(field: name)
        case "tokenize":
            let name = try field("field")
            _ = try word("key", ["tenant"])
            return .tokenize(field: name)
        default:
            return .redact(field: try field("field"))
        }
    }

    /// `^[^{}]*\{N\}[^{}]*$`, at most 128 characters once expanded.
    static func isAgeTemplate(_ s: String) -> Bool {
        let parts = s.split(separator: "{N}", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts.joined().contains { $0 == "{" || $0 == "}" }
            && s.unicodeScalars.count <= maxFieldLength
    }

    /// `^[1-9][0-9]{0,2}$`.
    static func isCountryCode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return (1...3).contains(b.count) && b[0] != UInt8(ascii: "0") && b.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
