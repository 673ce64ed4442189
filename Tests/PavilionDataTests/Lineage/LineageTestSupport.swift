import PavilionCore
import PavilionCrypto
import PavilionData
import XCTest

/// A realistic verification recorded end to end, with personal data the
/// lineage must never hold.
enum LineageSample {
    static let sha256 = ContentDigester.sha256 { DigestAlgorithm.sha256.hash($0) }
    static let t0 = LineageTimestamp(millisecondsSinceEpoch: 1_772_355_600_000)  // 2026-03-01T09:00:00Z

    /// Values that appear in the subject, the DP response or the claims.
    static let secrets = ["Ada", "Lovelace", "1815-12-10", "+447700900123", "GB-NI-99-12345", "12 St James's Square",
                          "ada@example.org"]

    static let subject: JSONValue = ["given_name": "Ada", "family_name": "Lovelace", "phone": "+447700900123"]
    static let dpRecord: JSONValue = [
        "id": "GB-NI-99-12345", "given_name": "Ada", "family_name": "Lovelace", "birthdate": "1815-12-10",
        "phone": "+447700900123", "address": "12 St James's Square", "email": "ada@example.org",
        "updated_at": "2026-02-20T10:00:00Z",
    ]

    static func at(_ ms: Int64) -> LineageTimestamp { LineageTimestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + ms) }

    /// The recorder after a full, successful verification.
    static func recorder(quality: QualityReport? = nil) throws -> LineageRecorder {
        var r = LineageRecorder(verificationID: "vrf_01HZX", connector: "fhir-patient", connectorVersion: "1.4.0", startedAt: t0,
                                digester: sha256)
        r.recordRequest(requestID: "req-7", tenant: "tnt_acme", purpose: "age_verification",
                        requestedClaims: ["age_over_18", "family_name_match"], subject: subject, at: t0)
        r.recordPolicyDecision(permitted: true, lawfulBasis: "consent", region: "eu-west", allowedRegions: ["eu-west", "eu-central"], at: at(2))
        r.recordValidation(target: "input", schema: "fhir-patient/input", document: subject, errors: [], at: at(3))
        r.recordExchange(region: "eu-west", endpoint: "https://user:pw@fhir.eu.example/r4?x=Ada#frag", index: 0, httpStatus: 200,
                         responseBody: Array(#"{"access_token":"tok"}"#.utf8), at: at(5), duration: .milliseconds(41))
        r.recordExchange(region: "eu-west", endpoint: "https://fhir.eu.example/r4", index: 1, httpStatus: 200,
                         responseBody: dpRecord.serializedBytes, at: at(47), duration: .milliseconds(118))
        r.recordValidation(target: "output", schema: "fhir-patient/output", document: dpRecord, errors: [], at: at(170))
        let policy = try QualityPolicy(json: JSONParser().parse(#"""
            {"completeness": {"required": ["birthdate", "family_name"], "expected": ["phone", "email"]},
             "consistency": ["birthdate <= today"], "timeliness": {"field": "updated_at", "max_age": "P30D"}}
            """#))
        let report = quality ?? QualityScorer(policy: policy).score(dpRecord, validationErrors: [], now: at(171))
        r.recordQuality(report, at: at(171))
        let program = try TransformProgram(JSONParser().parse(#"""
            [{"derive": {"from": "birthdate", "age_over": [18]}},
             {"normalize": {"field": "fax", "as": "e164", "country_code": "44"}},
             {"hash": {"field": "id", "with": "hmac-sha256", "key": "tenant"}},
             {"redact": {"field": "address"}}]
            """#))
        let key: [UInt8] = Array("tenant-key".utf8)
        let transformed = try program.run(dpRecord, context: TransformContext(today: CivilDate(year: 2026, month: 3, day: 1)!,
                                                                               keyedHash: { (try? HMACSHA256.authenticate($0, key: key)) ?? [] }))
        r.recordTransforms(transformed, at: at(172), duration: .microseconds(350))
        let minimised = ClaimMinimiser(releasable: ["age_over_18", "given_name"]).minimise(transformed.output,
                                                                                          requested: ["age_over_18", "family_name_match"])
        r.recordMinimisation(minimised, at: at(173))
        r.recordCredential(format: "dc+sd-jwt", credential: Array("eyJhbGciOiJFUzI1NiJ9.eyJhZ2Vfb3Zlcl8xOCI6dHJ1ZX0.sig".utf8), at: at(180))
        return r
    }

    static func graph() throws -> LineageGraph { try recorder().graph }

    /// A graph with a failed policy, a failed and a signed exchange, validation
    /// failures, a flagged quality report, hostile text and absent members.
    static func failuresGraph() -> LineageGraph {
        var r = LineageRecorder(verificationID: "vrf_\u{1}\"quoted\\", connector: "kyc", connectorVersion: "2.0.0-rc.1",
                                startedAt: LineageTimestamp(millisecondsSinceEpoch: -1), digester: sha256)
        r.recordRequest(requestID: "req", tenant: nil, purpose: "kyc ✓ 🎉", requestedClaims: [], subject: .null,
                        at: LineageTimestamp(millisecondsSinceEpoch: 0))
        r.recordPolicyDecision(permitted: false, lawfulBasis: nil, region: nil, allowedRegions: [], reasonCode: "residency_not_allowed",
                               at: LineageTimestamp(millisecondsSinceEpoch: 1))
        r.recordExchange(region: "eu", endpoint: "https://dp.example/x", index: 0, httpStatus: nil, responseBody: nil, errorCode: "timeout",
                         at: LineageTimestamp(millisecondsSinceEpoch: 2), duration: nil)
        r.recordExchange(region: "eu", endpoint: "https://dp.example/x", index: 1, httpStatus: 502, responseBody: [0xFF, 0x00],
                         signature: VerifiedResponseSignature(scheme: .httpMessageSignatures, keyID: "k\"1", algorithm: "ed25519",
                                                              coveredComponents: ["@status"], payload: []),
                         errorCode: nil, at: LineageTimestamp(millisecondsSinceEpoch: 3), duration: .microseconds(7))
        r.recordValidation(target: "output", schema: "s", document: ["a": 1],
                           errors: [ValidationError(instanceLocation: "/a", keyword: "type", message: "quoted 1"),
                                    ValidationError(instanceLocation: "", keyword: "required", message: "")],
                           at: LineageTimestamp(millisecondsSinceEpoch: 4))
        r.recordQuality(QualityReport(scores: [.completeness: 0.5], overall: 0.5, decision: .flag, reasons: []),
                        at: LineageTimestamp(millisecondsSinceEpoch: 5))
        r.recordMinimisation(MinimisationResult(claims: [:], withheld: ["w"], unavailable: ["u"], dropped: ["d", "e"]),
                             at: LineageTimestamp(millisecondsSinceEpoch: 6))
        return r.graph
    }
}
