import Foundation
import PavilionCore
import PavilionCrypto
import PavilionData
import PavilionManifest
import PavilionPlugins
import PavilionStore

/// One verification's data processing, and its lineage as it goes:
/// request → policy → each DP round (digest, signature, payload format) →
/// output validation → quality → each transform → minimisation → claims →
/// credential. The pipeline calls it at each stage; it keeps names,
/// codes, scores and digests, never a value (docs/lineage.md).
struct DataRun: Sendable {
    /// The media type of the stored lineage graph.
    static let lineageMediaType = "application/vnd.pavilion.lineage+json"
    /// The artifact kinds.
    static let lineageKind = "lineage"
    static let qualityKind = "quality"

    let stages: CompiledDataStages
    let manifest: Manifest
    let keyedHash: @Sendable ([UInt8]) -> [UInt8]
    private(set) var lineage: LineageRecorder
    /// The quality report, once scored.
    private(set) var quality: QualityReport?
    /// Whether the connector ran a PSI step (the privacy receipt names it).
    private(set) var usedPSI = false

    init(id: VerificationID, manifest: Manifest, stages: CompiledDataStages, keyedHash: @escaping @Sendable ([UInt8]) -> [UInt8],
         startedAt: Date) {
        self.stages = stages
        self.manifest = manifest
        self.keyedHash = keyedHash
        lineage = LineageRecorder(verificationID: id.rawValue, connector: manifest.name, connectorVersion: manifest.metadata.version,
                                  startedAt: LineageTimestamp(startedAt), digester: .sha256 { SHA256.hash($0) },
                                  intermediateDigester: .hmacSHA256(keyedHash))
    }

    // MARK: - Request and policy

    mutating func recordRequest(_ request: VerificationRequest, requestID: String, tenant: TenantID, at: Date) {
        lineage.recordRequest(requestID: requestID, tenant: tenant.rawValue, purpose: request.purpose,
                              requestedClaims: Set(request.claims), subject: request.subject, at: LineageTimestamp(at))
    }

    mutating func recordPolicy(_ decision: PolicyDecision, at: Date) {
        lineage.recordPolicyDecision(permitted: true, lawfulBasis: decision.lawfulBasis, region: decision.region?.name,
                                     allowedRegions: decision.regions.map(\.name), at: LineageTimestamp(at))
    }

    // MARK: - DP rounds

    /// Check one DP response before the connector reads it: digest it,
    /// verify its signature when the manifest says the DP signs, convert a
    /// declared CSV or XML payload to JSON, and record the round.
    /// - Returns: the response to hand the connector.
    /// - Throws: ``APIProblem`` 502 `upstream_signature_invalid` or
    ///   `upstream_payload_invalid` (the round is recorded as failed).
    mutating func received(_ response: HTTPResponse, for request: HTTPRequest, round: Int, region: String, endpoint: String,
                           startedAt: Date, duration: Duration) throws(APIProblem) -> HTTPResponse {
        let signed = SignedResponse(requestMethod: request.method, requestTarget: endpoint + request.path, status: response.status,
                                    headers: response.headers, body: response.body)
        let checked: CheckedResponse
        do { checked = try stages.integrity.check(signed) } catch {
            record(round: round, region: region, endpoint: endpoint, response: response, signature: nil,
                   error: "signature_\(error.code)", startedAt: startedAt, duration: duration)
            throw APIProblem(502, "upstream_signature_invalid",
                             "the data provider behind '\(manifest.name)' must sign its responses and this one's signature is not valid (\(error.code))")
        }
        var out = response
        if !stages.payloadFormats.isEmpty,
           let format = DPPayloadFormat.of(contentType: response.headers.first { $0.name.lowercased() == "content-type" }?.value),
           stages.payloadFormats.contains(format) {
            do {
                out = HTTPResponse(status: response.status,
                                   headers: response.headers.filter { $0.name.lowercased() != "content-type" && $0.name.lowercased() != "content-length" }
                                       + [("content-type", "application/json")],
                                   body: try Self.decode(checked.payload, as: format).serializedBytes)
            } catch {
                record(round: round, region: region, endpoint: endpoint, response: response, signature: checked.signature,
                       error: "payload_\(format.rawValue)_invalid", startedAt: startedAt, duration: duration)
                throw APIProblem(502, "upstream_payload_invalid",
                                 "the data provider behind '\(manifest.name)' sent \(format.rawValue.uppercased()) that cannot be read: \(error)")
            }
        }
        record(round: round, region: region, endpoint: endpoint, response: response, digest: checked.digest,
               signature: checked.signature, error: nil, startedAt: startedAt, duration: duration)
        return out
    }

    /// A PSI step (`PV_STEP_PSI`) as one round: the synthetic answer the
    /// connector is stepped with, or the failure's code. The DP's PSI
    /// messages are blinded points and digests, so the round records the
    /// answer, not them.
    mutating func recordPSI(answer: HTTPResponse?, errorCode: String?, round: Int, region: String, endpoint: String,
                            startedAt: Date, duration: Duration) {
        usedPSI = true
        lineage.recordExchange(region: region, endpoint: endpoint, index: round, httpStatus: answer?.status,
                               responseBody: answer?.body, errorCode: errorCode, at: LineageTimestamp(startedAt), duration: duration)
    }

    /// A round that got no response (timeout, unreachable).
    mutating func roundFailed(round: Int, region: String, endpoint: String, code: String, startedAt: Date, duration: Duration) {
        lineage.recordExchange(region: region, endpoint: endpoint, index: round, httpStatus: nil, responseBody: nil, errorCode: code,
                               at: LineageTimestamp(startedAt), duration: duration)
    }

    private mutating func record(round: Int, region: String, endpoint: String, response: HTTPResponse, digest: ContentDigest? = nil,
                                 signature: VerifiedResponseSignature?, error: String?, startedAt: Date, duration: Duration) {
        lineage.recordExchange(region: region, endpoint: endpoint, index: round, httpStatus: response.status,
                               responseBody: response.body, responseDigest: digest, signature: signature, errorCode: error,
                               at: LineageTimestamp(startedAt), duration: duration)
    }

    /// A DP payload in `format` as JSON.
    static func decode(_ bytes: [UInt8], as format: DPPayloadFormat) throws -> JSONValue {
        switch format {
        case .csv: return try CSVDecoder().decode(bytes)
        case .xml: return try XMLDecoder().decode(bytes)
        }
    }

    // MARK: - Result

    mutating func recordOutputValidation(_ result: JSONValue, violations: [SchemaViolation], at: Date, duration: Duration) {
        lineage.recordValidation(target: "output", schema: "\(manifest.name)#/spec/schemas/output", document: result,
                                 errors: violations.map { ValidationError(instanceLocation: $0.pointer, keyword: $0.keyword, message: "") },
                                 at: LineageTimestamp(at), duration: duration)
    }

    /// Quality → transforms → minimisation, recording each.
    /// - Parameters:
    ///   - result: the connector's validated result.
    ///   - requested: the claims asked for.
    ///   - now: the time the record is scored and transformed against.
    /// - Returns: the released claims.
    /// - Throws: ``APIProblem`` 502 `quality_rejected` or `transform_failed`.
    mutating func process(_ result: JSONValue, requested: [String], now: Date) throws(APIProblem) -> JSONValue {
        let at = LineageTimestamp(now)
        if let scorer = stages.quality {
            let report = scorer.score(result, validationErrors: [], now: at)
            quality = report
            lineage.recordQuality(report, at: at)
            if report.decision == .reject {
                throw APIProblem(502, "quality_rejected",
                                 "the data provider's answer for '\(manifest.name)' scored \(report.overall) and its quality policy rejects it",
                                 extensions: ["quality": Self.summary(report)])
            }
        }
        var record = result
        if let program = stages.transforms {
            let started = ContinuousClock.now
            do {
                let run = try program.run(result, context: TransformContext(today: at.civilDate, keyedHash: keyedHash))
                lineage.recordTransforms(run, at: at, duration: ContinuousClock.now - started)
                record = run.output
            } catch {
                throw APIProblem(502, "transform_failed",
                                 "connector '\(manifest.name)''s transform step \(error.step) failed (\(error.code))")
            }
        }
        let minimised = stages.minimiser.minimise(record, requested: Set(requested))
        lineage.recordMinimisation(minimised, at: LineageTimestamp(Date()))
        return minimised.claims
    }

    mutating func recordCredential(_ credential: IssuedCredential, at: Date) {
        lineage.recordCredential(format: credential.format.rawValue, credential: credential.artifact.body, at: LineageTimestamp(at))
    }

    // MARK: - Output

    /// The quality report as the API shows it with the answer.
    static func summary(_ report: QualityReport) -> JSONValue {
        .object(["decision": .string(report.decision.rawValue), "overall": .double(report.overall)])
    }

    /// The `lineage` (compact form, `pavilion.lineage/2`) and (when scored) `quality` artifacts.
    var artifacts: [VerificationArtifact] {
        var out = [VerificationArtifact(kind: Self.lineageKind, mediaType: Self.lineageMediaType,
                                        body: lineage.graph.compactBytes)]
        if let quality {
            out.append(VerificationArtifact(kind: Self.qualityKind, mediaType: "application/json",
                                            body: JSONValue.object(["connector": .string(manifest.name), "report": quality.json]).serializedBytes))
        }
        return out
    }
}
