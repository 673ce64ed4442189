import PavilionCore

/// Checks a YAML tree against the manifest rules (docs/manifest.md) and
/// builds the ``Manifest`` when nothing is wrong.
///
/// It keeps going after a problem so that one run reports every problem in
/// the file; a part that is missing or malformed is skipped by the rules
/// that depend on it rather than reported twice.
struct ManifestValidator {
    let file: String
    /// Absolute folder of the manifest, against which relative paths resolve.
    let baseDirectory: String
    var diagnostics: [Diagnostic] = []
    var locations: [String: SourceLocation] = [:]
    /// Parts that passed their own checks even where a sibling did not, so
    /// that the rules across sections still run and every problem is
    /// reported in one go.
    var partial = Partial()

    /// See ``partial``.
    struct Partial {
        /// Each claim's name (or `#index`) and its valid categories.
        var claimCategories: [(index: Int, name: String, categories: [String])] = []
        /// `spec.compliance.data_categories`, when valid.
        var declaredCategories: [String]?
        /// `spec.compliance.jurisdictions`, when valid.
        var jurisdictions: [String]?
        /// Whether `spec.compliance.transfer_basis` was written at all.
        var transferBasisWritten = false
        /// Regions whose residency is valid.
        var regionZones: [(index: Int, name: String, zone: ResidencyZone)] = []
        /// Whether every region's residency is valid.
        var allRegionZonesKnown = false
        /// What each step of `spec.transforms` reads and changes, when every step is valid.
        var transforms: [TransformFields]?
    }

    init(file: String, baseDirectory: String) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    /// Validate `root` (nil for an empty file).
    /// - Returns: the manifest, or `nil` when ``diagnostics`` holds problems.
    mutating func validate(_ root: YAMLNode?) -> Manifest? {
        guard let root else {
            fail(SourceLocation(file: file, line: 1, column: 1), "the manifest is empty; expected a mapping with apiVersion, kind, metadata and spec")
            return nil
        }
        locations[""] = root.location
        record(root, path: "")
        guard let top = mapping(root, path: "", keys: ["apiVersion", "kind", "metadata", "spec"],
                                required: ["apiVersion", "kind", "metadata", "spec"]) else { return nil }
        if let node = top["apiVersion"], let v = string(node, "apiVersion"), v != ManifestVocabulary.apiVersion {
            fail(node.location, "apiVersion: expected '\(ManifestVocabulary.apiVersion)', found \"\(v.debugEscaped)\"")
        }
        if let node = top["kind"], let v = string(node, "kind"), v != ManifestVocabulary.kind {
            fail(node.location, "kind: expected '\(ManifestVocabulary.kind)', found \"\(v.debugEscaped)\"")
        }
        let metadata = top["metadata"].flatMap { readMetadata($0) }
        let spec = top["spec"].flatMap { readSpec($0) }
        guard diagnostics.isEmpty, let metadata, let spec else { return nil }
        return Manifest(file: file, metadata: metadata, library: spec.library, formats: spec.formats, claims: spec.claims,
                        settings: spec.settings, secrets: spec.secrets, inputSchema: spec.inputSchema,
                        outputSchema: spec.outputSchema, regions: spec.regions, compliance: spec.compliance,
                        connection: spec.connection, health: spec.health, fixtures: spec.fixtures, transforms: spec.transforms,
                        quality: spec.quality, integrity: spec.integrity, locations: locations)
    }

    // MARK: Recording positions

    /// Record the position of every key and list item under `node`.
    mutating func record(_ node: YAMLNode, path: String) {
        switch node.content {
        case .scalar: break
        case .sequence(let items):
            for (i, item) in items.enumerated() {
                let p = "\(path)[\(i)]"
                locations[p] = item.location
                record(item, path: p)
            }
        case .mapping(let entries):
            for entry in entries {
                let p = Self.join(path, entry.key)
                locations[p] = entry.keyLocation
                record(entry.value, path: p)
            }
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Reporting

    mutating func fail(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message))
    }

    /// Where a missing key of the mapping at `path` is reported: at the
    /// mapping's own key, or the document start for the top level.
    func missingLocation(_ path: String, _ node: YAMLNode) -> SourceLocation {
        locations[path] ?? node.location
    }

    mutating func typeError(_ node: YAMLNode, _ path: String, expected: String) {
        fail(node.location, "\(path): expected \(expected), found \(node.described)")
    }

    // MARK: Shapes

    /// Check that `node` is a mapping with only `keys`, and all of `required`.
    /// - Returns: the values by key, or `nil` when it is not a mapping.
    mutating func mapping(_ node: YAMLNode, path: String, keys: [String], required: [String]) -> [String: YAMLNode]? {
        guard let entries = node.entries else {
            typeError(node, path.isEmpty ? "the document" : path, expected: "a mapping")
            return nil
        }
        var out: [String: YAMLNode] = [:]
        for entry in entries {
            if keys.contains(entry.key) {
                out[entry.key] = entry.value
                continue
            }
            let name = Self.join(path, entry.key.debugEscaped)
            if let near = DidYouMean.suggestion(for: entry.key, among: keys) {
                fail(entry.keyLocation, "\(name): unknown key; did you mean '\(near)'?")
            } else {
                fail(entry.keyLocation, "\(name): unknown key; expected one of: \(keys.joined(separator: ", "))")
            }
        }
        for key in required where out[key] == nil {
            let subject = path.isEmpty ? "the manifest" : path
            fail(missingLocation(path, node), "\(subject): missing required key '\(key)'")
        }
        return out
    }

    /// The items of a list at `path`.
    mutating func list(_ node: YAMLNode, _ path: String, nonEmpty: Bool) -> [YAMLNode]? {
        guard let items = node.items else {
            typeError(node, path, expected: "a list")
            return nil
        }
        if nonEmpty, items.isEmpty {
            fail(node.location, "\(path): must list at least one entry")
        }
        return items
    }

    // MARK: Scalars

    /// A string value. Numbers, Booleans and null are refused: quote them.
    mutating func string(_ node: YAMLNode, _ path: String, nonEmpty: Bool = false) -> String? {
        guard let scalar = node.scalar else {
            typeError(node, path, expected: "a string")
            return nil
        }
        switch scalar.value {
        case .string(let s):
            if nonEmpty, s.isEmpty {
                fail(node.location, "\(path): must not be empty")
                return nil
            }
            return s
        case .null:
            typeError(node, path, expected: "a string")
        case .bool, .int, .float:
            fail(node.location, "\(path): expected a string, found \(node.described); quote it (\"\(scalar.text.debugEscaped)\") if text is meant")
        }
        return nil
    }

    /// An integer in `range`. An integral float (`1e3`) counts, as in JSON Schema.
    mutating func integer(_ node: YAMLNode, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        let value: Int?
        switch node.scalar?.value {
        case .int(let i)?: value = Int(exactly: i)
        case .float(let d)? where d.isFinite && d.rounded() == d: value = abs(d) < 9e18 ? Int(d) : (d < 0 ? Int.min : Int.max)
        default: value = nil
        }
        guard let value else {
            typeError(node, path, expected: "an integer")
            return nil
        }
        guard range.contains(value) else {
            if range.upperBound == Int.max {
                fail(node.location, "\(path): must be at least \(range.lowerBound), found \(node.scalar?.text ?? String(value))")
            } else {
                fail(node.location, "\(path): must be between \(range.lowerBound) and \(range.upperBound), found \(node.scalar?.text ?? String(value))")
            }
            return nil
        }
        return value
    }

    /// A boolean (`true` / `false`).
    mutating func boolean(_ node: YAMLNode, _ path: String) -> Bool? {
        if case .bool(let b)? = node.scalar?.value { return b }
        typeError(node, path, expected: "true or false")
        return nil
    }

    /// A number (integer or float).
    mutating func number(_ node: YAMLNode, _ path: String) -> Double? {
        switch node.scalar?.value {
        case .int(let i)?: return Double(i)
        case .float(let d)? where d.isFinite: return d
        default:
            typeError(node, path, expected: "a number")
            return nil
        }
    }

    /// A string from `allowed`; an unknown one gets a did-you-mean.
    mutating func word(_ node: YAMLNode, _ path: String, _ allowed: [String], what: String) -> String? {
        guard let s = string(node, path) else { return nil }
        guard allowed.contains(s) else {
            var message = "\(path): unknown \(what) \"\(s.debugEscaped)\""
            if let near = DidYouMean.suggestion(for: s, among: allowed) { message += "; did you mean '\(near)'?" }
            message += " (expected one of: \(allowed.joined(separator: ", ")))"
            fail(node.location, message)
            return nil
        }
        return s
    }

    /// A list of distinct strings, each checked by `check`.
    mutating func strings(_ node: YAMLNode, _ path: String, nonEmpty: Bool,
                          check: (inout ManifestValidator, YAMLNode, String) -> String?) -> [String]? {
        guard let items = list(node, path, nonEmpty: nonEmpty) else { return nil }
        var out: [String] = []
        var ok = true
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            guard let s = check(&self, item, p) else {
                ok = false
                continue
            }
            if !seen.insert(s).inserted {
                fail(item.location, "\(p): duplicate entry \"\(s.debugEscaped)\"")
                ok = false
            }
            out.append(s)
        }
        return ok ? out : nil
    }

    /// A list of distinct words from `allowed`.
    mutating func words(_ node: YAMLNode, _ path: String, _ allowed: [String], what: String, nonEmpty: Bool = true) -> [String]? {
        strings(node, path, nonEmpty: nonEmpty) { v, item, p in v.word(item, p, allowed, what: what) }
    }

    /// A file path: not empty, no NUL; `relativeOnly` also refuses absolute paths.
    mutating func filePath(_ node: YAMLNode, _ path: String, relativeOnly: Bool = false) -> String? {
        guard let s = string(node, path, nonEmpty: true) else { return nil }
        if s.utf8.contains(0) {
            fail(node.location, "\(path): must not contain a NUL character")
            return nil
        }
        if relativeOnly, s.hasPrefix("/") {
            fail(node.location, "\(path): must be relative to the manifest's folder, found absolute path \"\(s.debugEscaped)\"")
            return nil
        }
        return s
    }

    /// `declared` resolved against the manifest's folder (absolute paths stay),
    /// with `.` and `..` components removed.
    func resolve(_ declared: String) -> String {
        let joined = declared.hasPrefix("/") ? declared : baseDirectory + "/" + declared
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A subtree as a JSON object.
    mutating func jsonObject(_ node: YAMLNode, _ path: String) -> JSONValue? {
        guard node.entries != nil else {
            typeError(node, path, expected: "a mapping (JSON object)")
            return nil
        }
        do {
            return try node.jsonValue()
        } catch {
            fail(error.location, "\(path): \(error.message)")
            return nil
        }
    }
}
