import PavilionCore
import PavilionCrypto
@testable import PavilionPrivacy
import XCTest

final class PrivacyReceiptTests: XCTestCase {
    static func sample(requestID: String = "7f1c2a9e-4b3d-4c1e-9a8b-123456789012", time: UInt64 = 1_767_225_600_000) -> PrivacyReceipt {
        PrivacyReceipt(requestID: requestID, tenant: "acme", connector: "camara-kyc-match", purpose: "age_verification",
                       lawfulBasis: .consent, dataCategories: ["name", "birth_date"],
                       releasedClaims: ["age_over_18"], withheldClaims: ["birth_date", "given_name"],
                       epsilonSpent: 0.5, rhoSpent: 0, primitives: ["sd-jwt", "dp:discrete-laplace"], time: time)
    }

    func testCanonicalFormIsSortedKeyJSONWithSortedLists() throws {
        let text = String(decoding: Self.sample().canonicalBytes, as: UTF8.self)
        XCTAssertEqual(text, #"{"connector":"camara-kyc-match","data_categories":["birth_date","name"],"dp_budget":{"epsilon":0.5,"rho":0},"#
            + #""lawful_basis":"consent","minimisation":{"released":["age_over_18"],"withheld":["birth_date","given_name"]},"#
            + #""primitives":["dp:discrete-laplace","sd-jwt"],"purpose":"age_verification","#
            + #""request_id":"7f1c2a9e-4b3d-4c1e-9a8b-123456789012","tenant":"acme","time":1767225600000,"version":1}"#)
    }

    func testListsAreSortedWithEachValueOnce() {
        XCTAssertEqual(PrivacyReceipt.canonicalList(["b", "a", "b", "c", "a"]), ["a", "b", "c"])
        XCTAssertEqual(PrivacyReceipt.canonicalList([]), [])
        var receipt = Self.sample()
        receipt = PrivacyReceipt(requestID: receipt.requestID, tenant: receipt.tenant, connector: receipt.connector,
                                 purpose: receipt.purpose, lawfulBasis: receipt.lawfulBasis,
                                 dataCategories: ["name", "birth_date", "name"], releasedClaims: ["x", "x"],
                                 withheldClaims: [], primitives: ["b", "a", "b"], time: receipt.time)
        XCTAssertEqual(receipt.dataCategories, ["birth_date", "name"])
        XCTAssertEqual(receipt.releasedClaims, ["x"])
        XCTAssertEqual(receipt.primitives, ["a", "b"])
    }

    func testJSONRoundTripIsByteIdentical() throws {
        for epsilon in [0, 0.1, 1, 1e-5, 2.5, 1234.5678] {
            var receipt = Self.sample()
            receipt.epsilonSpent = epsilon
            let parsed = try PrivacyReceipt(json: try JSONParser().parse(bytes: receipt.canonicalBytes))
            XCTAssertEqual(parsed, receipt)
            XCTAssertEqual(parsed.canonicalBytes, receipt.canonicalBytes, "epsilon \(epsilon)")
            XCTAssertEqual(receipt.canonicalBytes, receipt.json.serializedBytes, "the written form is the JSON form's")
        }
    }

    func testPersonalDataLookingValuesAreRefused() {
        let cases: [(PrivacyReceipt, String)] = [
            (with { $0.requestID = "+44 7700 900123" }, "request_id"),
            (with { $0.requestID = "447700900123" }, "request_id"),
            (with { $0.tenant = "alice@example.com" }, "tenant"),
            (with { $0.purpose = "check Jane Doe" }, "purpose"),
            (with { $0.dataCategories = ["1990-01-01"] }, "data_categories[0]"),
            (with { $0.releasedClaims = ["Müller"] }, "minimisation.released[0]"),
            (with { $0.primitives = ["07700900123"] }, "primitives[0]"),
            (with { $0.connector = "GB29NWBK60161331926819" }, "connector"),
        ]
        for (receipt, field) in cases {
            XCTAssertThrowsError(try receipt.validate(), field) {
                let error = $0 as? ReceiptError
                XCTAssertEqual(error?.code, .personalDataSuspected, "\(field): \(String(describing: error))")
                XCTAssertEqual(error?.field, field)
            }
        }
        XCTAssertNoThrow(try Self.sample().validate())
        XCTAssertNoThrow(try with { $0.requestID = "REQ-01HZX3" }.validate())
    }

    func testUnknownFieldsAreRefusedSoNothingCanBeSmuggledIn() throws {
        guard case .object(var object) = Self.sample().json else { return XCTFail() }
        object["subject"] = "alice"
        XCTAssertThrowsError(try PrivacyReceipt(json: .object(object))) {
            XCTAssertEqual(($0 as? ReceiptError)?.code, .unknownField)
            XCTAssertEqual(($0 as? ReceiptError)?.field, "subject")
        }
        object["subject"] = nil
        object["minimisation"] = ["released": [], "withheld": [], "values": ["1990-01-01"]]
        XCTAssertThrowsError(try PrivacyReceipt(json: .object(object))) { XCTAssertEqual(($0 as? ReceiptError)?.field, "minimisation.values") }
    }

    func testMalformedReceiptJSONIsRefusedNamingTheField() throws {
        guard case .object(let good) = Self.sample().json else { return XCTFail() }
        let mutations: [(String, JSONValue?, ReceiptError.Code)] = [
            ("version", 2, .invalidValue), ("tenant", nil, .missingField), ("tenant", 5, .invalidValue),
            ("lawful_basis", "because", .invalidValue), ("time", "yesterday", .invalidValue), ("time", 0, .invalidValue),
            ("data_categories", ["name", "birth_date"], .notCanonical), ("primitives", ["a", "a"], .notCanonical),
            ("dp_budget", ["epsilon": -1, "rho": 0], .invalidValue), ("dp_budget", ["epsilon": 1], .missingField),
            ("request_id", "", .invalidValue), ("purpose", .string(String(repeating: "a", count: 65)), .invalidValue),
        ]
        for (field, value, code) in mutations {
            var object = good
            object[field] = value
            XCTAssertThrowsError(try PrivacyReceipt(json: .object(object)), field) {
                XCTAssertEqual(($0 as? ReceiptError)?.code, code, "\(field): \($0)")
            }
        }
        XCTAssertThrowsError(try PrivacyReceipt(json: [1, 2])) { XCTAssertEqual(($0 as? ReceiptError)?.code, .invalidValue) }
        XCTAssertThrowsError(try with { $0.withheldClaims = ["age_over_18"] }.validate()) {
            XCTAssertEqual(($0 as? ReceiptError)?.field, "minimisation")
        }
    }

    func testSignedReceiptVerifiesAndAnyChangeBreaksIt() throws {
        let signer = try Ed25519LogSigner()
        let signed = try SignedReceipt.sign(Self.sample(), with: signer)
        XCTAssertTrue(signed.isValidSignature(with: signer.publicKey))
        XCTAssertFalse(signed.isValidSignature(with: try Ed25519LogSigner().publicKey))
        let input = SignedReceipt.signingInput(for: Self.sample())
        XCTAssertEqual(Array(input.prefix(28)), Array("pavilion-privacy-receipt-v1".utf8) + [0])

        var changed = Self.sample()
        changed.epsilonSpent = 0.25
        XCTAssertFalse(SignedReceipt(receipt: changed, algorithm: .edDSA, keyID: signed.keyID, signature: signed.signature)
            .isValidSignature(with: signer.publicKey))
        let parsed = try SignedReceipt(json: try JSONParser().parse(bytes: signed.logEntry))
        XCTAssertEqual(parsed, signed)
        XCTAssertEqual(parsed.logEntry, signed.logEntry)
        XCTAssertThrowsError(try SignedReceipt.sign(with { $0.tenant = "bob@example.org" }, with: signer)) {
            XCTAssertEqual(($0 as? ReceiptError)?.code, .personalDataSuspected)
        }
    }

    private func with(_ change: (inout PrivacyReceipt) -> Void) -> PrivacyReceipt {
        var receipt = Self.sample()
        change(&receipt)
        return receipt
    }
}
