import PavilionCore

/// `spec.transforms`: the structure of each step (the same rules as
/// docs/manifest.schema.json), and, across sections, that every field a
/// step reads is declared by the output schema or made by an earlier step.
///
/// The steps are kept as JSON for the host, which compiles them with
/// PavilionData's `TransformProgram` (the language is in docs/data.md).
extension ManifestValidator {
    /// Operations and their (required, optional) keys; PavilionData's
    /// transform compiler takes the same.
    static let transformOperations: [(name: String, required: [String], optional: [String])] = [
        ("rename", ["from", "to"], []),
        ("map", ["field", "values"], ["default"]),
        ("normalize", ["field", "as"], ["country_code"]),
        ("derive", ["from", "age_over"], ["as"]),
        ("generalize", ["field"], ["ranges", "to"]),
        ("hash", ["field", "with", "key"], []),
        ("tokenize", ["field", "key"], []),
        ("redact", ["field"], []),
    ]
    static let maxTransforms = 256
    static let maxFieldNameLength = 128

    /// What one step reads and changes, for the output-schema check.
    struct TransformFields {
        var path: String
        var read: String
        var readNode: YAMLNode
        var writes: [String]
        var removes: [String]
    }

    mutating func readTransforms(_ node: YAMLNode) -> JSONValue? {
        guard let items = list(node, "spec.transforms", nonEmpty: false) else { return nil }
        if items.count > Self.maxTransforms {
            fail(node.location, "spec.transforms: at most \(Self.maxTransforms) steps, found \(items.count)")
        }
        var ok = items.count <= Self.maxTransforms
        var steps: [TransformFields] = []
        for (i, item) in items.enumerated() {
            if let step = readTransform(item, path: "spec.transforms[\(i)]") {
                steps.append(step)
            } else {
                ok = false
            }
        }
        partial.transforms = ok ? steps : nil
        guard ok else { return nil }
        do {
            return try node.jsonValue()
        } catch {
            fail(error.location, "spec.transforms: \(error.message)")
            return nil
        }
    }

    private mutating func readTransform(_ item: YAMLNode, path: String) -> TransformFields? {
        let names = Self.transformOperations.map(\.name)
        guard let top = mapping(item, path: path, keys: names, required: []) else { return nil }
        guard top.count == 1, let (op, argsNode) = top.first,
              let spec = Self.transformOperations.first(where: { $0.name == op }) else {
            if top.count != 1, item.entries?.count == top.count {
                fail(item.location, "\(path): a step has exactly one key naming its operation (\(names.joined(separator: ", ")))")
            }
            return nil
        }
        let p = "\(path).\(op)"
        guard let args = mapping(argsNode, path: p, keys: spec.required + spec.optional, required: spec.required) else { return nil }
        guard spec.required.allSatisfy({ args[$0] != nil }) else { return nil }
        let inputKey = spec.required[0]
        var ok = true
        var fieldNames: [String: String] = [:]
        for key in ["from", "to", "field"] where args[key] != nil && (spec.required + spec.optional).contains(key) {
            // generalize.to is a word, not a field.
            if op == "generalize", key == "to" { continue }
            if let node = args[key], let name = fieldName(node, "\(p).\(key)") { fieldNames[key] = name } else { ok = false }
        }
        var writes: [String] = []
        var removes: [String] = []
        switch op {
        case "rename":
            if let from = fieldNames["from"], let to = fieldNames["to"] {
                if from == to, let n = args["to"] {
                    fail(n.location, "\(p).to: renames a field to itself")
                    ok = false
                }
                writes = [to]
                removes = [from]
            }
        case "map":
            if let n = args["values"] {
                if n.entries?.isEmpty == true {
                    fail(n.location, "\(p).values: must map at least one value")
                    ok = false
                } else if jsonObject(n, "\(p).values") == nil {
                    ok = false
                }
            }
            if let n = args["default"] {
                do { _ = try n.jsonValue() } catch {
                    fail(error.location, "\(p).default: \(error.message)")
                    ok = false
                }
            }
        case "normalize":
            let kind = args["as"].flatMap { word($0, "\(p).as", ["e164", "iso8601-date", "nfc-casefold", "address"], what: "normalisation") }
            if kind == nil { ok = false }
            if let n = args["country_code"] {
                if let kind, kind != "e164" {
                    fail(n.location, "\(p).country_code: only 'as: e164' takes a country_code")
                    ok = false
                } else if let s = string(n, "\(p).country_code") {
                    if !(1...3).contains(s.utf8.count) || s.hasPrefix("0") || !s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                        fail(n.location, "\(p).country_code: \"\(s.debugEscaped)\" must be 1-3 digits, not starting with 0 (e.g. \"44\")")
                        ok = false
                    }
                } else {
                    ok = false
                }
            }
        case "derive":
            var template = "age_over_{N}"
            if let n = args["as"] {
                if let s = string(n, "\(p).as") {
                    let parts = s.split(separator: "{N}", omittingEmptySubsequences: false)
                    if parts.count != 2 || parts.joined().contains(where: { $0 == "{" || $0 == "}" })
                        || s.unicodeScalars.count > Self.maxFieldNameLength {
                        fail(n.location, "\(p).as: \"\(s.debugEscaped)\" must contain {N} once and no other braces, e.g. age_over_{N}")
                        ok = false
                    } else {
                        template = s
                    }
                } else {
                    ok = false
                }
            }
            if let n = args["age_over"], let ages = distinctIntegers(n, "\(p).age_over", 1...150, maxCount: 150) {
                writes = ages.map { template.replacingOccurrences("{N}", with: String($0)) }
            } else {
                ok = false
            }
        case "generalize":
            switch (args["ranges"], args["to"]) {
            case (let n?, nil):
                if distinctIntegers(n, "\(p).ranges", Int.min...Int.max, maxCount: 64) == nil { ok = false }
            case (nil, let n?):
                if word(n, "\(p).to", ["year", "decade"], what: "generalisation") == nil { ok = false }
            default:
                fail(args["ranges"]?.location ?? missingLocation(p, argsNode), "\(p): give exactly one of 'ranges' or 'to'")
                ok = false
            }
        case "hash":
            if args["with"].flatMap({ word($0, "\(p).with", ["hmac-sha256"], what: "keyed hash") }) == nil { ok = false }
            if args["key"].flatMap({ word($0, "\(p).key", ["tenant"], what: "key") }) == nil { ok = false }
        case "tokenize":
            if args["key"].flatMap({ word($0, "\(p).key", ["tenant"], what: "key") }) == nil { ok = false }
        case "redact":
            if let f = fieldNames["field"] { removes = [f] }
        default:
            break
        }
        guard ok, let readNode = args[inputKey], let read = fieldNames[inputKey] else { return nil }
        return TransformFields(path: "\(p).\(inputKey)", read: read, readNode: readNode, writes: writes, removes: removes)
    }

    /// A field name: a string of 1-128 characters.
    private mutating func fieldName(_ node: YAMLNode, _ path: String) -> String? {
        guard let s = string(node, path, nonEmpty: true) else { return nil }
        guard s.unicodeScalars.count <= Self.maxFieldNameLength else {
            fail(node.location, "\(path): a field name has at most \(Self.maxFieldNameLength) characters")
            return nil
        }
        return s
    }

    /// A non-empty list of distinct integers in `range`.
    private mutating func distinctIntegers(_ node: YAMLNode, _ path: String, _ range: ClosedRange<Int>, maxCount: Int) -> [Int]? {
        guard let items = list(node, path, nonEmpty: true), !items.isEmpty else { return nil }
        guard items.count <= maxCount else {
            fail(node.location, "\(path): at most \(maxCount) entries, found \(items.count)")
            return nil
        }
        var out: [Int] = []
        var ok = true
        for (i, item) in items.enumerated() {
            guard let n = integer(item, "\(path)[\(i)]", range) else {
                ok = false
                continue
            }
            if out.contains(n) {
                fail(item.location, "\(path)[\(i)]: duplicate entry \(n)")
                ok = false
            }
            out.append(n)
        }
        return ok ? out : nil
    }

    /// Every field a transform reads must be declared in the output
    /// schema's `properties` (when it lists them), or written by an
    /// earlier step; a field renamed or redacted away is gone.
    mutating func checkTransformFields(outputSchema: JSONValue?) {
        guard let steps = partial.transforms, let properties = outputSchema?["properties"]?.objectValue else { return }
        var available = Set(properties.keys)
        for step in steps {
            if !available.contains(step.read) {
                fail(step.readNode.location,
                     "\(step.path): field \"\(step.read.debugEscaped)\" is not declared in spec.schemas.output.properties and no earlier transform makes it")
            }
            available.subtract(step.removes)
            available.formUnion(step.writes)
        }
    }
}

extension String {
    /// Every `target` replaced by `replacement`, without Foundation.
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
