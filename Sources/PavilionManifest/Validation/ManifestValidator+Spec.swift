import PavilionCore

extension ManifestValidator {
    /// The parts of `spec` once each has passed its own checks.
    struct Spec {
        var library: Manifest.Library
        var formats: Manifest.Formats
        var claims: [Manifest.Claim]
        var settings: JSONValue
        var secrets: [Manifest.Secret]
        var inputSchema: JSONValue?
        var outputSchema: JSONValue?
        var regions: [Manifest.Region]
        var compliance: Manifest.Compliance
        var connection: Manifest.Connection
        var health: Manifest.Health?
        var fixtures: [String]
        var transforms: JSONValue?
        var quality: JSONValue?
        var integrity: Manifest.Integrity?
    }

    static let specKeys = ["library", "formats", "claims", "settings", "secrets", "schemas", "regions", "compliance",
                           "connection", "health", "tests", "transforms", "quality", "integrity"]

    mutating func readMetadata(_ node: YAMLNode) -> Manifest.Metadata? {
        guard let m = mapping(node, path: "metadata", keys: ["name", "provider", "version", "description"],
                              required: ["name", "provider", "version"]) else { return nil }
        var name: String?
        if let n = m["name"], let s = string(n, "metadata.name") {
            if TextRules.isName(s) {
                name = s
            } else {
                fail(n.location, "metadata.name: \"\(s.debugEscaped)\" must be 1-63 lowercase letters, digits or '-', starting with a letter (^[a-z][a-z0-9-]{0,62}$)")
            }
        }
        let provider = m["provider"].flatMap { string($0, "metadata.provider", nonEmpty: true) }
        var version: String?
        if let n = m["version"], let s = string(n, "metadata.version") {
            if TextRules.isSemVer(s) {
                version = s
            } else {
                fail(n.location, "metadata.version: \"\(s.debugEscaped)\" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)")
            }
        }
        var description: String?
        if let n = m["description"] { description = string(n, "metadata.description") }
        guard let name, let provider, let version else { return nil }
        return Manifest.Metadata(name: name, provider: provider, version: version, description: description)
    }

    mutating func readSpec(_ node: YAMLNode) -> Spec? {
        guard let m = mapping(node, path: "spec", keys: Self.specKeys,
                              required: ["library", "formats", "claims", "regions", "compliance"]) else { return nil }
        let library = m["library"].flatMap { readLibrary($0) }
        let formats = m["formats"].flatMap { readFormats($0) }
        let claims = m["claims"].flatMap { readClaims($0) }
        var settings: JSONValue? = .object([:])
        if let n = m["settings"] { settings = jsonObject(n, "spec.settings") }
        var secrets: [Manifest.Secret]? = []
        if let n = m["secrets"] { secrets = readSecrets(n) }
        var schemas: (JSONValue?, JSONValue?)? = (nil, nil)
        if let n = m["schemas"] { schemas = readSchemas(n) }
        let regions = m["regions"].flatMap { readRegions($0) }
        let compliance = m["compliance"].flatMap { readCompliance($0) }
        var connection: Manifest.Connection? = Manifest.Connection()
        if let n = m["connection"] { connection = readConnection(n) }
        var health: Manifest.Health??
        if let n = m["health"] { health = readHealth(n).map { .some($0) } } else { health = .some(nil) }
        var fixtures: [String]? = []
        if let n = m["tests"] { fixtures = readTests(n) }
        var transforms: JSONValue?? = .some(nil)
        if let n = m["transforms"] { transforms = readTransforms(n).map { .some($0) } }
        var quality: JSONValue?? = .some(nil)
        if let n = m["quality"] { quality = readQuality(n).map { .some($0) } }
        var integrity: Manifest.Integrity?? = .some(nil)
        if let n = m["integrity"] { integrity = readIntegrity(n).map { .some($0) } }

        checkClaimCategories()
        checkJurisdictions()
        if let schemas { checkTransformFields(outputSchema: schemas.1) }

        guard let library, let formats, let claims, let settings, let secrets, let schemas, let regions, let compliance,
              let connection, let health, let fixtures, let transforms, let quality, let integrity else { return nil }
        return Spec(library: library, formats: formats, claims: claims, settings: settings, secrets: secrets,
                    inputSchema: schemas.0, outputSchema: schemas.1, regions: regions, compliance: compliance,
                    connection: connection, health: health, fixtures: fixtures, transforms: transforms,
                    quality: quality, integrity: integrity)
    }

    mutating func readLibrary(_ node: YAMLNode) -> Manifest.Library? {
        guard let m = mapping(node, path: "spec.library", keys: ["path", "sha256", "abi"],
                              required: ["path", "sha256", "abi"]) else { return nil }
        let declared = m["path"].flatMap { filePath($0, "spec.library.path") }
        var sha256: String?
        if let n = m["sha256"], let scalar = n.scalar {
            // An all-digit hash written without quotes reads as a number in
            // YAML; take its text (the reference example's placeholder is one).
            let text: String?
            switch scalar.value {
            case .int, .float: text = scalar.text
            default: text = string(n, "spec.library.sha256")
            }
            if let text {
                if TextRules.isSHA256(text) {
                    sha256 = text
                } else {
                    fail(n.location, "spec.library.sha256: must be exactly 64 lowercase hexadecimal digits, found \"\(text.debugEscaped)\"")
                }
            }
        } else if let n = m["sha256"] {
            typeError(n, "spec.library.sha256", expected: "a string")
        }
        let abi = m["abi"].flatMap { integer($0, "spec.library.abi", 1...Int(UInt32.max)) }
        guard let declared, let sha256, let abi, let abi32 = UInt32(exactly: abi) else { return nil }
        return Manifest.Library(path: resolve(declared), declaredPath: declared, sha256: sha256, abi: abi32)
    }

    mutating func readFormats(_ node: YAMLNode) -> Manifest.Formats? {
        guard let m = mapping(node, path: "spec.formats", keys: ["input", "output", "credentials"],
                              required: ["input", "output", "credentials"]) else { return nil }
        let input = m["input"].flatMap { words($0, "spec.formats.input", ManifestVocabulary.dataFormats, what: "data format") }
        let output = m["output"].flatMap { words($0, "spec.formats.output", ManifestVocabulary.dataFormats, what: "data format") }
        let credentials = m["credentials"].flatMap {
            words($0, "spec.formats.credentials", ManifestVocabulary.credentialFormats, what: "credential format")
        }
        guard let input, let output, let credentials else { return nil }
        return Manifest.Formats(input: input, output: output, credentials: credentials)
    }

    mutating func readClaims(_ node: YAMLNode) -> [Manifest.Claim]? {
        guard let items = list(node, "spec.claims", nonEmpty: true) else { return nil }
        var claims: [Manifest.Claim] = []
        var ok = true
        var seen: [String: SourceLocation] = [:]
        for (i, item) in items.enumerated() {
            let path = "spec.claims[\(i)]"
            guard let m = mapping(item, path: path, keys: ["name", "type", "data_categories", "description"],
                                  required: ["name", "type", "data_categories"]) else {
                ok = false
                continue
            }
            var name: String?
            if let n = m["name"], let s = string(n, "\(path).name") {
                if !TextRules.isIdentifier(s) {
                    fail(n.location, "\(path).name: \"\(s.debugEscaped)\" must be 1-64 lowercase letters, digits or '_', starting with a letter (^[a-z][a-z0-9_]{0,63}$)")
                } else if let first = seen[s] {
                    fail(n.location, "\(path).name: duplicate claim \"\(s)\" (first declared at line \(first.line))")
                } else {
                    seen[s] = n.location
                    name = s
                }
            }
            let type = m["type"].flatMap { word($0, "\(path).type", ManifestVocabulary.claimTypes, what: "claim type") }
            let categories = m["data_categories"].flatMap {
                words($0, "\(path).data_categories", ManifestVocabulary.dataCategories, what: "data category", nonEmpty: false)
            }
            var description: String?
            if let n = m["description"] { description = string(n, "\(path).description") }
            if let categories { partial.claimCategories.append((i, name ?? "#\(i)", categories)) }
            guard let name, let type, let categories else {
                ok = false
                continue
            }
            claims.append(Manifest.Claim(name: name, type: type, dataCategories: categories, description: description))
        }
        return ok ? claims : nil
    }

    mutating func readSecrets(_ node: YAMLNode) -> [Manifest.Secret]? {
        guard let items = list(node, "spec.secrets", nonEmpty: false) else { return nil }
        var secrets: [Manifest.Secret] = []
        var ok = true
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let path = "spec.secrets[\(i)]"
            guard let m = mapping(item, path: path, keys: ["name", "description"], required: ["name"]) else {
                ok = false
                continue
            }
            var name: String?
            if let n = m["name"], let s = string(n, "\(path).name") {
                if !TextRules.isSecretName(s) {
                    fail(n.location, "\(path).name: \"\(s.debugEscaped)\" must be 1-64 lowercase letters, digits, '_' or '-', starting with a letter")
                } else if !seen.insert(s).inserted {
                    fail(n.location, "\(path).name: duplicate secret \"\(s)\"")
                } else {
                    name = s
                }
            }
            var description: String?
            if let n = m["description"] { description = string(n, "\(path).description") }
            guard let name else {
                ok = false
                continue
            }
            secrets.append(Manifest.Secret(name: name, description: description))
        }
        return ok ? secrets : nil
    }

    mutating func readSchemas(_ node: YAMLNode) -> (JSONValue?, JSONValue?)? {
        guard let m = mapping(node, path: "spec.schemas", keys: ["input", "output"], required: []) else { return nil }
        var ok = true
        var input: JSONValue?
        var output: JSONValue?
        if let n = m["input"] {
            input = jsonObject(n, "spec.schemas.input")
            ok = ok && input != nil
        }
        if let n = m["output"] {
            output = jsonObject(n, "spec.schemas.output")
            ok = ok && output != nil
        }
        return ok ? (input, output) : nil
    }

    mutating func readRegions(_ node: YAMLNode) -> [Manifest.Region]? {
        guard let items = list(node, "spec.regions", nonEmpty: true) else { return nil }
        defer { partial.allRegionZonesKnown = !items.isEmpty && partial.regionZones.count == items.count }
        var regions: [Manifest.Region] = []
        var ok = true
        var seen: [String: SourceLocation] = [:]
        for (i, item) in items.enumerated() {
            let path = "spec.regions[\(i)]"
            guard let m = mapping(item, path: path, keys: ["name", "residency", "priority", "endpoints"],
                                  required: ["name", "residency", "priority", "endpoints"]) else {
                ok = false
                continue
            }
            var name: String?
            if let n = m["name"], let s = string(n, "\(path).name") {
                if !TextRules.isName(s) {
                    fail(n.location, "\(path).name: \"\(s.debugEscaped)\" must be 1-63 lowercase letters, digits or '-', starting with a letter")
                } else if let first = seen[s] {
                    fail(n.location, "\(path).name: duplicate region \"\(s)\" (first declared at line \(first.line))")
                } else {
                    seen[s] = n.location
                    name = s
                }
            }
            let residency = m["residency"].flatMap {
                word($0, "\(path).residency", ManifestVocabulary.residencyZones, what: "residency zone")
            }.flatMap(ResidencyZone.init(rawValue:))
            if let residency { partial.regionZones.append((i, name ?? "#\(i)", residency)) }
            if let name, let residency, let n = m["name"] { checkRegionName(name, residency: residency, at: n, path) }
            let priority = m["priority"].flatMap { integer($0, "\(path).priority", 0...1_000_000) }
            let endpoints = m["endpoints"].flatMap {
                strings($0, "\(path).endpoints", nonEmpty: true) { v, item, p in
                    guard let s = v.string(item, p) else { return nil }
                    if let problem = TextRules.endpointProblem(s) {
                        v.fail(item.location, "\(p): endpoint \"\(s.debugEscaped)\" \(problem)")
                        return nil
                    }
                    return s
                }
            }
            guard let name, let residency, let priority, let endpoints else {
                ok = false
                continue
            }
            regions.append(Manifest.Region(name: name, residency: residency, priority: priority, endpoints: endpoints))
        }
        return ok ? regions : nil
    }

    /// A region whose name starts with a zone code (`eu-west`, `us-east`)
    /// must be in that zone; `us-…` also admits `us-ca`.
    mutating func checkRegionName(_ name: String, residency: ResidencyZone, at node: YAMLNode, _ path: String) {
        guard let prefix = name.split(separator: "-").first, let zone = ResidencyZone(rawValue: String(prefix)) else { return }
        // `us-ca-…` names the California zone itself.
        if name == "us-ca" || name.hasPrefix("us-ca-") {
            if residency != .usCA {
                fail(node.location, "\(path).name: region \"\(name)\" is named for zone 'us-ca' but its residency is '\(residency.rawValue)'")
            }
            return
        }
        if !zone.contains(residency) {
            fail(node.location, "\(path).name: region \"\(name)\" is named for zone '\(zone.rawValue)' but its residency is '\(residency.rawValue)'")
        }
    }

    mutating func readTests(_ node: YAMLNode) -> [String]? {
        guard let m = mapping(node, path: "spec.tests", keys: ["fixtures"], required: []) else { return nil }
        guard let n = m["fixtures"] else { return [] }
        let declared = strings(n, "spec.tests.fixtures", nonEmpty: false) { v, item, p in
            v.filePath(item, p, relativeOnly: true)
        }
        return declared.map { $0.map(resolve) }
    }
}
