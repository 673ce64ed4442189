import Foundation
import PavilionCore
import PavilionCrypto
import PavilionData

/// `pavilion bench data`: JSON Schema validation beside python3's
/// `jsonschema` (Draft202012Validator) on the same schema and documents in
/// the same run, a transform program over records, and lineage graphs built
/// and serialised.
enum DataBenchmark {
    static func run(quick: Bool) throws -> JSONValue {
        let rounds = quick ? 2 : 5
        let count = quick ? 200 : 2_000
        let schemaValue = try JSONParser().parse(schemaText)
        let schema = try JSONSchema(schemaValue)
        let documents = makeDocuments(count)
        var figures: [String: JSONValue] = [:]

        Output.err("bench data: JSON Schema validation of \(count) documents, \(rounds) rounds")
        var valid = 0
        var rates: [Double] = []
        for round in 0...rounds {
            valid = 0
            let ns = Stopwatch.nanoseconds { for document in documents where schema.isValid(document) { valid += 1 } }
            if round > 0 { rates.append(Double(documents.count) * 1e9 / Double(max(ns, 1))) }  // round 0 warms up
        }
        let pavilionRate = Stopwatch.median(rates)
        figures["validate_per_s"] = .double(pavilionRate)
        figures["documents"] = .int(Int64(documents.count))
        figures["documents_valid"] = .int(Int64(valid))

        Output.err("bench data: python3 jsonschema Draft202012Validator on the same schema and documents")
        if let python = try pythonValidation(schema: schemaValue, documents: documents, rounds: rounds) {
            if python.valid != valid {
                Output.err("bench data: python3 jsonschema found \(python.valid) valid documents, Pavilion \(valid)")
            }
            figures["python_jsonschema_per_s"] = .double(python.rate)
            figures["python_documents_valid"] = .int(Int64(python.valid))
            figures["python_jsonschema_version"] = .string(python.version)
            figures["ratio"] = .double(pavilionRate / python.rate)
        } else {
            Output.err("bench data: python3 or its jsonschema package is missing (pip install jsonschema); "
                       + "python_jsonschema_per_s and ratio are null")
            figures["python_jsonschema_per_s"] = .null
            figures["ratio"] = .null
        }

        figures["transform_per_s"] = .double(try transformsPerSecond(documents, rounds: rounds))
        figures["lineage_write_per_s"] = .double(try lineagePerSecond(documents, rounds: rounds, graphs: quick ? 100 : 1_000))
        figures["rounds"] = .int(Int64(rounds))
        return .object(figures)
    }

    /// A patient record as a DP returns it: nested objects, an array of
    /// contact points, `$ref`, enums, patterns, bounds, `oneOf` and closed
    /// objects. `format` is an annotation (the default on both sides).
    static let schemaText = #"""
        {"$schema": "https://json-schema.org/draft/2020-12/schema",
         "$defs": {
           "name": {"type": "string", "minLength": 1, "maxLength": 100},
           "contact": {"type": "object", "required": ["system", "value"], "additionalProperties": false,
                       "properties": {"system": {"enum": ["phone", "email", "fax"]},
                                      "value": {"type": "string", "minLength": 3},
                                      "rank": {"type": "integer", "minimum": 1}}},
           "address": {"type": "object", "required": ["country"], "additionalProperties": false,
                       "properties": {"line": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
                                      "city": {"type": "string"}, "postal_code": {"type": "string", "pattern": "^[A-Z0-9 -]{3,10}$"},
                                      "country": {"type": "string", "pattern": "^[A-Z]{2}$"}}}
         },
         "type": "object",
         "required": ["id", "given_name", "family_name", "birthdate", "active"],
         "additionalProperties": false,
         "properties": {
           "id": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{6}$"},
           "given_name": {"$ref": "#/$defs/name"},
           "family_name": {"$ref": "#/$defs/name"},
           "birthdate": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
           "sex": {"enum": ["male", "female", "other", "unknown"]},
           "active": {"type": "boolean"},
           "phone": {"type": "string", "pattern": "^\\+[0-9]{7,15}$"},
           "score": {"type": "number", "minimum": 0, "maximum": 1},
           "telecom": {"type": "array", "items": {"$ref": "#/$defs/contact"}, "maxItems": 10},
           "address": {"$ref": "#/$defs/address"},
           "identifier": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["system", "value"]}]},
           "updated_at": {"type": "string", "format": "date-time"}
         }}
        """#

    /// `count` patient records, about one in ten invalid (a bad id, a
    /// negative rank, an unknown property or a missing field).
    static func makeDocuments(_ count: Int) -> [JSONValue] {
        let given = ["Ada", "Grace", "Erika", "Jean", "Mary", "Alan", "Katherine", "Hedy"]
        let family = ["Lovelace", "Hopper", "Mustermann", "Bartik", "Jackson", "Turing", "Johnson", "Lamarr"]
        return (0..<count).map { i -> JSONValue in
            var record: [String: JSONValue] = [
                "id": .string("GB-\(String(format: "%06d", 100_000 + i))"),
                "given_name": .string(given[i % given.count]),
                "family_name": .string(family[(i / 8) % family.count]),
                "birthdate": .string(String(format: "%04d-%02d-%02d", 1940 + i % 70, 1 + i % 12, 1 + i % 28)),
                "sex": .string(["male", "female", "other", "unknown"][i % 4]),
                "active": .bool(i % 3 != 0),
                "phone": .string("+4477009\(String(format: "%05d", i % 100_000))"),
                "score": .double(Double(i % 100) / 100),
                "telecom": [["system": "phone", "value": .string("+4477009\(String(format: "%05d", i % 100_000))"), "rank": 1],
                            ["system": "email", "value": .string("p\(i)@example.org"), "rank": 2]],
                "address": ["line": [.string("\(1 + i % 200) St James's Square")], "city": "London",
                            "postal_code": "SW1Y 4JH", "country": "GB"],
                "identifier": (i % 2 == 0) ? .string("NHS-\(i)") : ["system": "urn:nhs", "value": .string("\(i)")],
                "updated_at": "2026-02-20T10:00:00Z",
            ]
            switch i % 40 {
            case 7: record["id"] = "bad-id"
            case 17: record["telecom"] = [["system": "phone", "value": "+447700900123", "rank": -1]]
            case 27: record["nickname"] = "Ace"
            case 37: record["birthdate"] = nil
            default: break
            }
            return .object(record)
        }
    }

    /// Documents per second validated by python3's `jsonschema`
    /// (`Draft202012Validator(schema).is_valid`, the median of `rounds` after
    /// a warm-up pass), how many it found valid and the versions; nil when python3 or the
    /// package is missing.
    private static func pythonValidation(schema: JSONValue, documents: [JSONValue],
                                         rounds: Int) throws -> (rate: Double, valid: Int, version: String)? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-bench-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let schemaFile = directory.appendingPathComponent("schema.json")
        let documentsFile = directory.appendingPathComponent("documents.jsonl")
        try Data(schema.serializedBytes).write(to: schemaFile)
        try Data(documents.map(\.serialized).joined(separator: "\n").utf8).write(to: documentsFile)
        let script = """
            import importlib.metadata, json, platform, sys, time
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            docs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
            v = Draft202012Validator(schema)
            valid = sum(1 for d in docs if v.is_valid(d))
            rates = []
            for _ in range(int(sys.argv[3])):
                t = time.perf_counter()
                for d in docs: v.is_valid(d)
                rates.append(len(docs) / (time.perf_counter() - t))
            rates.sort(); print(rates[len(rates) // 2], valid, importlib.metadata.version('jsonschema'), platform.python_version())
            """
        guard let output = BenchProcess.output(["python3", "-c", script, schemaFile.path, documentsFile.path, String(rounds)]) else {
            return nil
        }
        let fields = output.split(whereSeparator: \.isWhitespace)
        guard fields.count == 4, let rate = Double(fields[0]), let valid = Int(fields[1]) else { return nil }
        return (rate, valid, "jsonschema \(fields[2]) on Python \(fields[3])")
    }

    /// The transform program of a typical connector: rename, map, derive
    /// age thresholds, normalise a phone number, keyed hash, redact.
    static let programText = #"""
        [{"rename": {"from": "sex", "to": "gender"}},
         {"map": {"field": "gender", "values": {"male": "M", "female": "F"}, "default": "X"}},
         {"derive": {"from": "birthdate", "age_over": [18, 21, 65]}},
         {"normalize": {"field": "phone", "as": "e164", "country_code": "44"}},
         {"hash": {"field": "id", "with": "hmac-sha256", "key": "tenant"}},
         {"redact": {"field": "address"}}]
        """#

    static let tenantKey = Array("tenant-a secret key, 32 bytes!!".utf8)

    static func transformContext() -> TransformContext {
        let key = tenantKey
        return TransformContext(today: CivilDate(year: 2026, month: 3, day: 1)!,
                                keyedHash: { (try? HMACSHA256.authenticate($0, key: key)) ?? [] })
    }

    /// Records per second through the transform program (valid records only).
    private static func transformsPerSecond(_ documents: [JSONValue], rounds: Int) throws -> Double {
        let program = try TransformProgram(try JSONParser().parse(programText))
        let context = transformContext()
        let records = documents.filter { $0["birthdate"] != nil }
        Output.err("bench data: transform program (\(program.count) steps) over \(records.count) records")
        var index = 0
        return try BenchRate.perSecond(rounds: rounds, operations: records.count) {
            _ = try program.run(records[index % records.count], context: context)
            index &+= 1
        }
    }

    /// Lineage graphs per second: a full verification recorded (request,
    /// policy, input validation, two DP exchanges, output validation,
    /// quality, transforms, minimisation, credential) and serialised to JSON.
    /// The validation, scoring and transform results are computed before the
    /// clock starts: only the recorder and the serialisation are timed.
    private static func lineagePerSecond(_ documents: [JSONValue], rounds: Int, graphs: Int) throws -> Double {
        let digester = ContentDigester.sha256 { DigestAlgorithm.sha256.hash($0) }
        let record = documents[0]
        let subject: JSONValue = ["given_name": record["given_name"] ?? .null, "family_name": record["family_name"] ?? .null]
        let body = record.serializedBytes
        let policy = try QualityPolicy(json: JSONParser().parse(#"""
            {"completeness": {"required": ["birthdate", "family_name"], "expected": ["phone", "telecom"]},
             "consistency": ["birthdate <= today"], "timeliness": {"field": "updated_at", "max_age": "P30D"}}
            """#))
        let t0 = LineageTimestamp(millisecondsSinceEpoch: 1_772_355_600_000)
        func at(_ ms: Int64) -> LineageTimestamp { LineageTimestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + ms) }
        let report = QualityScorer(policy: policy).score(record, validationErrors: [], now: at(171))
        let transformed = try TransformProgram(try JSONParser().parse(programText)).run(record, context: transformContext())
        let minimised = ClaimMinimiser(releasable: ["age_over_18", "given_name"]).minimise(transformed.output,
                                                                                          requested: ["age_over_18", "family_name_match"])
        let credential = Array("eyJhbGciOiJFUzI1NiJ9.eyJhZ2Vfb3Zlcl8xOCI6dHJ1ZX0.sig".utf8)
        Output.err("bench data: lineage graphs built and serialised")
        var bytes = 0
        let rate = try BenchRate.perSecond(rounds: rounds, operations: graphs) {
            var r = LineageRecorder(verificationID: "vrf_01HZX", connector: "fhir-patient", connectorVersion: "1.4.0",
                                    startedAt: t0, digester: digester)
            r.recordRequest(requestID: "req-7", tenant: "tnt_acme", purpose: "age_verification",
                            requestedClaims: ["age_over_18", "family_name_match"], subject: subject, at: t0)
            r.recordPolicyDecision(permitted: true, lawfulBasis: "consent", region: "eu-west",
                                   allowedRegions: ["eu-west", "eu-central"], at: at(2))
            r.recordValidation(target: "input", schema: "fhir-patient/input", document: subject, errors: [], at: at(3))
            r.recordExchange(region: "eu-west", endpoint: "https://fhir.eu.example/oauth/token", index: 0, httpStatus: 200,
                             responseBody: Array(#"{"access_token":"tok"}"#.utf8), at: at(5), duration: .milliseconds(41))
            r.recordExchange(region: "eu-west", endpoint: "https://fhir.eu.example/r4/Patient", index: 1, httpStatus: 200,
                             responseBody: body, at: at(47), duration: .milliseconds(118))
            r.recordValidation(target: "output", schema: "fhir-patient/output", document: record, errors: [], at: at(170))
            r.recordQuality(report, at: at(171))
            r.recordTransforms(transformed, at: at(172), duration: .microseconds(350))
            r.recordMinimisation(minimised, at: at(173))
            r.recordCredential(format: "dc+sd-jwt", credential: credential, at: at(180))
            bytes = r.graph.compactBytes.count
        }
        guard bytes > 0 else { throw BenchError("the lineage graph serialised to nothing") }
        return rate
    }
}
