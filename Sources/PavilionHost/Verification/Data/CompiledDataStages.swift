import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionData
import PavilionManifest

/// What the host compiles from one manifest's data sections, once, when the
/// manifest is loaded: its transform program (`spec.transforms`), quality
/// scorer (`spec.quality`), response-signature verifier (`spec.integrity`)
/// and the DP payload formats it converts (`spec.formats.output`).
public struct CompiledDataStages: Sendable {
    /// `spec.transforms`, or `nil` when the manifest has none.
    public let transforms: TransformProgram?
    /// `spec.quality`, or `nil` when the manifest has none.
    public let quality: QualityScorer?
    /// Digests every DP response and, for a DP that signs, verifies it.
    public let integrity: ResponseIntegrity
    /// The non-JSON payload formats the DP may answer in, which the host
    /// converts to JSON before the connector reads them.
    public let payloadFormats: Set<DPPayloadFormat>
    /// The claims the connector may release (`spec.claims`).
    public let minimiser: PavilionData.ClaimMinimiser

    /// Compile `manifest`'s data sections.
    /// - Parameter manifest: a validated manifest.
    /// - Returns: the compiled stages.
    /// - Throws: ``DataStageError`` with one diagnostic per problem, each at
    ///   its manifest position (`spec.transforms[2].normalize`,
    ///   `spec.quality.consistency[1]`, `spec.integrity.keys`).
    public static func compile(_ manifest: Manifest) throws(DataStageError) -> CompiledDataStages {
        var problems: [Diagnostic] = []
        var transforms: TransformProgram?
        if let steps = manifest.transforms {
            do { transforms = try TransformProgram(steps) } catch {
                let at = "spec.transforms[\(error.step)]" + (error.field.map { ".\($0)" } ?? "")
                problems.append(Diagnostic(Self.location(in: manifest, of: at), "\(at): \(error.reason)"))
            }
        }
        var quality: QualityScorer?
        if let policy = manifest.quality {
            do { quality = QualityScorer(policy: try QualityPolicy(json: policy)) } catch {
                let at = error.path.isEmpty ? "spec.quality" : "spec.quality.\(error.path)"
                problems.append(Diagnostic(Self.location(in: manifest, of: at), "\(at): \(error.reason)"))
            }
        }
        var verifier: (any ResponseSignatureVerifier)?
        if let integrity = manifest.integrity {
            do throws(ResponseSignatureError) {
                let keys = try JWSResponseVerifier.trustedKeys(integrity)
                if integrity.responseSignature == ResponseSignatureScheme.httpMessageSignatures.rawValue {
                    guard keys.keys.allSatisfy({ $0.keyID != nil }) else {
                        throw ResponseSignatureError(.malformed, "every key needs a kid: RFC 9421 signatures name their key by keyid")
                    }
                    verifier = HTTPMessageSignatureVerifier(keys: keys, jwsAlgorithms: integrity.algorithms)
                } else {
                    verifier = try JWSResponseVerifier(keys: keys, algorithms: integrity.algorithms)
                }
            } catch {
                problems.append(Diagnostic(manifest.location(of: "spec.integrity.keys"), "spec.integrity.keys: \(error.reason)"))
            }
        }
        guard problems.isEmpty else { throw DataStageError(diagnostics: problems) }
        let formats = Set(manifest.formats.output.compactMap(DPPayloadFormat.init(rawValue:)))
        return CompiledDataStages(
            transforms: transforms, quality: quality,
            integrity: ResponseIntegrity(requiredScheme: verifier?.scheme, verifier: verifier, digester: .sha256 { SHA256.hash($0) }),
            payloadFormats: formats, minimiser: PavilionData.ClaimMinimiser(releasable: Set(manifest.claims.map(\.name))))
    }

    /// The position of `path`, or of its nearest recorded ancestor.
    static func location(in manifest: Manifest, of path: String) -> SourceLocation {
        var p = Substring(path)
        while !p.isEmpty {
            if let at = manifest.locations[String(p)] { return at }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            p = p[..<cut]
        }
        return manifest.location(of: "")
    }
}

/// A manifest whose data sections do not compile. Equal by diagnostics.
public struct DataStageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, where.
    public var diagnostics: [Diagnostic]

    /// - Parameter diagnostics: what is wrong, where.
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A DP payload format the host converts to the JSON data model before the
/// connector reads the response (docs/data.md "DP payload formats").
public enum DPPayloadFormat: String, Sendable, Hashable, CaseIterable {
    /// RFC 4180 CSV (`text/csv`): an array of objects, one per record.
    case csv
    /// XML (`application/xml`, `text/xml`, `…+xml`): the document as an object.
    case xml

    /// The format a `Content-Type` names, if it is one of these.
    /// - Parameter contentType: the header value.
    /// - Returns: the format, or `nil` for JSON and anything else.
    public static func of(contentType: String?) -> DPPayloadFormat? {
        guard let contentType else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        if type == "text/csv" { return .csv }
        if type == "application/xml" || type == "text/xml" || type.hasSuffix("+xml") { return .xml }
        return nil
    }
}
