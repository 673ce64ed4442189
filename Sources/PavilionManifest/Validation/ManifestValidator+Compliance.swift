import PavilionCore

extension ManifestValidator {
    mutating func readCompliance(_ node: YAMLNode) -> Manifest.Compliance? {
        let path = "spec.compliance"
        guard let m = mapping(node, path: path,
                              keys: ["jurisdictions", "data_categories", "lawful_bases", "purposes", "retention", "transfer_basis"],
                              required: ["jurisdictions", "data_categories", "lawful_bases", "purposes", "retention"])
        else { return nil }
        let jurisdictions = m["jurisdictions"].flatMap {
            words($0, "\(path).jurisdictions", ManifestVocabulary.jurisdictions, what: "jurisdiction")
        }
        let categories = m["data_categories"].flatMap {
            words($0, "\(path).data_categories", ManifestVocabulary.dataCategories, what: "data category", nonEmpty: false)
        }
        let bases = m["lawful_bases"].flatMap {
            words($0, "\(path).lawful_bases", ManifestVocabulary.lawfulBases, what: "lawful basis")
        }
        let purposes = m["purposes"].flatMap {
            strings($0, "\(path).purposes", nonEmpty: true) { v, item, p in
                guard let s = v.string(item, p) else { return nil }
                guard TextRules.isIdentifier(s) else {
                    v.fail(item.location, "\(p): purpose \"\(s.debugEscaped)\" must be 1-64 lowercase letters, digits or '_', starting with a letter")
                    return nil
                }
                return s
            }
        }
        partial.jurisdictions = jurisdictions
        partial.declaredCategories = categories
        partial.transferBasisWritten = m["transfer_basis"] != nil
        var retention: String?
        if let n = m["retention"], let s = string(n, "\(path).retention") {
            if TextRules.isDuration(s) {
                retention = s
            } else {
                fail(n.location, "\(path).retention: \"\(s.debugEscaped)\" is not an ISO 8601 duration (e.g. P90D, P1Y, PT12H)")
            }
        }
        var transfer: String??
        if let n = m["transfer_basis"] {
            transfer = word(n, "\(path).transfer_basis", ManifestVocabulary.transferBases, what: "transfer basis").map { .some($0) }
        } else {
            transfer = .some(nil)
        }
        guard let jurisdictions, let categories, let bases, let purposes, let retention, let transfer else { return nil }
        return Manifest.Compliance(jurisdictions: jurisdictions, dataCategories: categories, lawfulBases: bases,
                                   purposes: purposes, retention: retention, transferBasis: transfer)
    }

    /// Every claim's categories must be declared in `spec.compliance.data_categories`.
    mutating func checkClaimCategories() {
        guard let declared = partial.declaredCategories else { return }
        for claim in partial.claimCategories {
            for (j, category) in claim.categories.enumerated() where !declared.contains(category) {
                let path = "spec.claims[\(claim.index)].data_categories[\(j)]"
                fail(locations[path] ?? locations[""] ?? SourceLocation(file: file, line: 1, column: 1),
                     "\(path): claim '\(claim.name)' touches data category '\(category)', which spec.compliance.data_categories does not declare")
            }
        }
    }

    /// Jurisdiction-versus-residency rules (docs/manifest.md, "Compliance rules"):
    /// - `gdpr`: a region outside the EU adequacy set needs `transfer_basis`.
    /// - `uk-gdpr`: a region outside {uk, eu, ch, jp, ca} needs `transfer_basis`.
    /// - `hipaa`: `health` must be a declared data category; every region in `us`/`us-ca`.
    /// - `ccpa`: at least one region in `us`/`us-ca`.
    ///
    /// Regions whose residency is itself invalid are left out (already reported).
    mutating func checkJurisdictions() {
        guard let jurisdictions = partial.jurisdictions else { return }
        let regions = partial.regionZones
        func at(_ j: Int) -> SourceLocation {
            locations["spec.compliance.jurisdictions[\(j)]"] ?? locations[""] ?? SourceLocation(file: file, line: 1, column: 1)
        }
        for (j, jurisdiction) in jurisdictions.enumerated() {
            let path = "spec.compliance.jurisdictions[\(j)]"
            switch jurisdiction {
            case "gdpr", "uk-gdpr":
                let adequate = jurisdiction == "gdpr" ? ResidencyZone.gdprAdequate : ManifestVocabulary.ukGDPRAdequate
                let outside = regions.filter { !adequate.contains($0.zone) }
                if !outside.isEmpty, !partial.transferBasisWritten {
                    let names = outside.map { "\($0.name) (\($0.zone.rawValue))" }.joined(separator: ", ")
                    let set = ResidencyZone.allCases.filter(adequate.contains).map(\.rawValue).joined(separator: ", ")
                    fail(at(j), "\(path): jurisdiction '\(jurisdiction)' with regions outside its adequacy set (\(set)): \(names); set spec.compliance.transfer_basis (scc, bcr, dpf or derogation)")
                }
            case "hipaa":
                if let declared = partial.declaredCategories, !declared.contains("health") {
                    fail(at(j), "\(path): jurisdiction 'hipaa' requires data category 'health' in spec.compliance.data_categories")
                }
                for region in regions where !ManifestVocabulary.hipaaZones.contains(region.zone) {
                    let rpath = "spec.regions[\(region.index)].residency"
                    fail(locations[rpath] ?? at(j), "\(rpath): jurisdiction 'hipaa' allows only regions in us or us-ca, found '\(region.zone.rawValue)'")
                }
            case "ccpa":
                if partial.allRegionZonesKnown, !regions.contains(where: { ManifestVocabulary.ccpaZones.contains($0.zone) }) {
                    fail(at(j), "\(path): jurisdiction 'ccpa' requires at least one region in us or us-ca")
                }
            default:
                break
            }
        }
    }
}
