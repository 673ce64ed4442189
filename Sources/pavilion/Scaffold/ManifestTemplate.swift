/// The manifest and recorded fixture both scaffolds share: the template
/// connector asks `GET /v1/subjects/{subject_id}` and answers `subject_active`.
enum ManifestTemplate {
    static func manifest(name: String, lang: String) -> String {
        """
        # \(name): a Pavilion connector manifest. Every key: docs/manifest.md.
        apiVersion: pavilion.dev/v1
        kind: Connector
        metadata:
          name: \(name)
          provider: Example provider (replace me)
          version: 0.1.0
          description: Scaffolded \(lang == "c" ? "C" : "Swift") connector; answers subject_active.
        spec:
          library:
            path: lib/libpv_\(name).so
            sha256: "0000000000000000000000000000000000000000000000000000000000000000"   # build.sh pins it
            abi: 1
          formats:
            input: [json]
            output: [json]
            credentials: [vc+jwt, dc+sd-jwt]
          claims:
            - name: subject_active
              type: boolean
              data_categories: [identity]
              description: The provider holds an active record for the subject.
          schemas:
            input:
              type: object
              required: [subject_id]
              properties:
                subject_id: { type: string, minLength: 1, maxLength: 128 }
              additionalProperties: false
            output:
              type: object
              properties:
                subject_active: { type: boolean }
              additionalProperties: false
          regions:
            - name: eu-west
              residency: eu
              priority: 1
              endpoints: [http://127.0.0.1:18100]
          compliance:
            jurisdictions: [gdpr]
            data_categories: [identity]
            lawful_bases: [consent]
            purposes: [kyc]
            retention: P30D
          tests:
            fixtures: [fixtures/\(name).json]

        """
    }

    static func fixture() -> String {
        func lookup(_ status: Int, _ body: String) -> String {
            """
            [{"request": {"method": "GET", "path": "/v1/subjects/S-1%2F2", "headers": {"accept": "application/json"}},
                            "response": {"status": \(status), "body_text": \(body)}}]
            """
        }
        let query = #"{"request_id": "r-1", "subject": {"subject_id": "S-1/2"}, "claims": ["subject_active"], "purpose": "kyc", "jurisdiction": "eu"}"#
        return """
        {
          "description": "Recorded exchanges for the scaffolded connector (format: docs/fixtures.md).",
          "cases": [
            {"name": "active subject", "query": \(query),
             "exchanges": \(lookup(200, #""{\"id\":\"S-1/2\",\"active\":true}""#)),
             "expect": {"result": {"subject_active": true}}},
            {"name": "inactive subject", "query": \(query),
             "exchanges": \(lookup(200, #""{\"id\":\"S-1/2\",\"active\":false}""#)),
             "expect": {"result": {"subject_active": false}}},
            {"name": "unknown subject", "query": \(query),
             "exchanges": \(lookup(404, #""{\"error\":\"not found\"}""#)),
             "expect": {"error": "not_found"}},
            {"name": "provider outage", "query": \(query),
             "exchanges": \(lookup(503, #""""#)),
             "expect": {"error": "upstream"}},
            {"name": "malformed body", "query": \(query),
             "exchanges": \(lookup(200, #""{\"active\": tru""#)),
             "expect": {"error": "bad_response"}},
            {"name": "wrong type", "query": \(query),
             "exchanges": \(lookup(200, #""{\"active\": \"yes\"}""#)),
             "expect": {"error": "bad_response"}},
            {"name": "missing subject_id",
             "query": {"request_id": "r-2", "subject": {}, "claims": ["subject_active"], "purpose": "kyc", "jurisdiction": "eu"},
             "exchanges": [], "expect": {"error": "invalid_input"}},
            {"name": "unknown claim",
             "query": {"request_id": "r-3", "subject": {"subject_id": "S-1"}, "claims": ["age_over_18"], "purpose": "kyc", "jurisdiction": "eu"},
             "exchanges": [], "expect": {"error": "unsupported"}}
          ]
        }

        """
    }
}
