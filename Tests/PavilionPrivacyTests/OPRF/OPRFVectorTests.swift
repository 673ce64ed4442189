import Foundation
import PavilionCrypto
@testable import PavilionPrivacy
import PavilionTestSupport
import XCTest

/// RFC 9497 Appendix A: every P256-SHA256 and P384-SHA384 vector, modes
/// OPRF, VOPRF and POPRF, single and batched, with the vectors' blinds and
/// proof nonces injected.
final class OPRFVectorTests: XCTestCase {
    private struct SuiteVectors: Decodable {
        struct Proof: Decodable { let proof: String; let r: String }
        struct Vector: Decodable {
            let Batch: Int
            let Blind: String
            let BlindedElement: String
            let EvaluationElement: String
            let Info: String?
            let Input: String
            let Output: String
            let Proof: Proof?
        }
        let identifier: String
        let mode: UInt8
        let seed: String
        let keyInfo: String
        let skSm: String
        let pkSm: String?
        let vectors: [Vector]
    }

    private func hex(_ text: String) throws -> [UInt8] { try XCTUnwrap(Hex.decode(text), "not hex: \(text)") }
    private func hexList(_ text: String) throws -> [[UInt8]] { try text.split(separator: ",").map { try hex(String($0)) } }

    private func suites(_ suite: OPRFSuite, _ mode: OPRFMode) throws -> SuiteVectors {
        let url = TestEnvironment.fixtures("oprf").appendingPathComponent("allVectors.json")
        let all = try JSONDecoder().decode([SuiteVectors].self, from: Data(contentsOf: url))
        return try XCTUnwrap(all.first { $0.identifier == suite.identifier && $0.mode == mode.rawValue })
    }

    /// Derive the key and check skSm (and pkSm), as every mode's test starts.
    private func key(_ v: SuiteVectors, _ suite: OPRFSuite, _ mode: OPRFMode) throws -> OPRFPrivateKey {
        let key = try OPRFPrivateKey.derive(suite: suite, mode: mode, seed: SecretBytes(copying: try hex(v.seed)), info: try hex(v.keyInfo))
        XCTAssertEqual(Hex.encode(key.serialized.copyBytes()), v.skSm, "\(suite) mode \(mode) skSm")
        if let pkSm = v.pkSm { XCTAssertEqual(Hex.encode(key.publicKey.serialized), pkSm, "\(suite) mode \(mode) pkSm") }
        return key
    }

    private func scalar(_ text: String, _ suite: OPRFSuite) throws -> ECScalar {
        try ECScalar(bigEndian: try hex(text), in: try ECGroup.named(suite.curve))
    }

    private func checkOPRF(_ suite: OPRFSuite) throws {
        let v = try suites(suite, .oprf)
        let key = try key(v, suite, .oprf)
        let client = try OPRFClient(suite: suite)
        let server = try OPRFServer(privateKey: key)
        XCTAssertEqual(v.vectors.count, 2)
        for vector in v.vectors {
            let input = try hex(vector.Input)
            let blinded = try client.blind(input, blind: try scalar(vector.Blind, suite))
            XCTAssertEqual(Hex.encode(blinded.blindedElement), vector.BlindedElement, "\(suite) OPRF BlindedElement")
            let evaluated = try server.blindEvaluate(blinded.blindedElement)
            XCTAssertEqual(Hex.encode(evaluated), vector.EvaluationElement, "\(suite) OPRF EvaluationElement")
            XCTAssertEqual(Hex.encode(try client.finalize(blinded, evaluatedElement: evaluated)), vector.Output, "\(suite) OPRF Output")
            XCTAssertEqual(Hex.encode(try server.evaluate(input)), vector.Output, "\(suite) OPRF Evaluate")
        }
    }

    private func checkVerifiable(_ suite: OPRFSuite, _ mode: OPRFMode) throws {
        let v = try suites(suite, mode)
        let key = try key(v, suite, mode)
        XCTAssertEqual(v.vectors.count, 3)
        XCTAssertEqual(v.vectors.map(\.Batch), [1, 1, 2])
        for vector in v.vectors {
            let inputs = try hexList(vector.Input)
            let blinds = try vector.Blind.split(separator: ",").map { try scalar(String($0), suite) }
            XCTAssertEqual(inputs.count, vector.Batch)
            let proof = try XCTUnwrap(vector.Proof)
            let nonce = try scalar(proof.r, suite)
            let label = "\(suite) mode \(mode) batch \(vector.Batch)"

            let blinded: [OPRFBlindedInput]
            let evaluation: OPRFEvaluation
            let outputs: [[UInt8]]
            var direct: [[UInt8]] = []
            if mode == .voprf {
                let client = try VOPRFClient(publicKey: key.publicKey)
                let server = try VOPRFServer(privateKey: key)
                blinded = try zip(inputs, blinds).map { try client.blind($0, blind: $1) }
                evaluation = try server.blindEvaluate(blinded.map(\.blindedElement), nonce: nonce)
                outputs = try client.finalize(blinded, evaluation: evaluation)
                for input in inputs { direct.append(try server.evaluate(input)) }
            } else {
                let info = try hex(try XCTUnwrap(vector.Info))
                let client = try POPRFClient(publicKey: key.publicKey)
                let server = try POPRFServer(privateKey: key)
                blinded = try zip(inputs, blinds).map { try client.blind($0, info: info, blind: $1) }
                evaluation = try server.blindEvaluate(blinded.map(\.blindedElement), info: info, nonce: nonce)
                outputs = try client.finalize(blinded, evaluation: evaluation, info: info)
                for input in inputs { direct.append(try server.evaluate(input, info: info)) }
            }
            XCTAssertEqual(blinded.map { Hex.encode($0.blindedElement) }.joined(separator: ","), vector.BlindedElement, "\(label) BlindedElement")
            XCTAssertEqual(evaluation.evaluatedElements.map { Hex.encode($0) }.joined(separator: ","), vector.EvaluationElement,
                           "\(label) EvaluationElement")
            XCTAssertEqual(Hex.encode(evaluation.proof), proof.proof, "\(label) Proof")
            XCTAssertEqual(outputs.map { Hex.encode($0) }.joined(separator: ","), vector.Output, "\(label) Output")
            XCTAssertEqual(direct.map { Hex.encode($0) }.joined(separator: ","), vector.Output, "\(label) Evaluate")
        }
    }

    func testP256SHA256OPRFModeMatchesRFC9497AppendixA() throws { try checkOPRF(.p256SHA256) }
    func testP256SHA256VOPRFModeMatchesRFC9497AppendixAIncludingBatch() throws { try checkVerifiable(.p256SHA256, .voprf) }
    func testP256SHA256POPRFModeMatchesRFC9497AppendixAIncludingBatch() throws { try checkVerifiable(.p256SHA256, .poprf) }
    func testP384SHA384OPRFModeMatchesRFC9497AppendixA() throws { try checkOPRF(.p384SHA384) }
    func testP384SHA384VOPRFModeMatchesRFC9497AppendixAIncludingBatch() throws { try checkVerifiable(.p384SHA384, .voprf) }
    func testP384SHA384POPRFModeMatchesRFC9497AppendixAIncludingBatch() throws { try checkVerifiable(.p384SHA384, .poprf) }
}
