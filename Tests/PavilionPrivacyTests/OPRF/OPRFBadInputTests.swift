import PavilionCrypto
import PavilionPrivacy
import XCTest

/// Refusals with the RFC 9497 error names, and random round trips without
/// injected randomness.
final class OPRFBadInputTests: XCTestCase {
    private func assertCode(_ code: OPRFError.Code, _ label: String, file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), label, file: file, line: line) { error in
            XCTAssertEqual((error as? OPRFError)?.code, code, "\(label): \(error)", file: file, line: line)
        }
    }

    private let inputs: [[UInt8]] = [Array("+41 79 123 45 67".utf8), Array("alice@example.com".utf8)]

    /// Elements every deserialiser must refuse: identity, truncated, too long,
    /// uncompressed, x ≥ p, and an x with no point.
    private func badElements(_ suite: OPRFSuite) throws -> [[UInt8]] {
        let group = try ECGroup.named(suite.curve)
        let good = try group.generator.sec1()
        var noPoint: [UInt8]?
        for x in UInt8(1)...UInt8(60) {
            let candidate = [0x02] + [UInt8](repeating: 0, count: suite.elementLength - 2) + [x]
            if (try? ECPoint(sec1: candidate, in: group)) == nil { noPoint = candidate; break }
        }
        return [[], [0x00], Array(good.dropLast()), good + [0x00], try group.generator.sec1(compressed: false),
                [0x02] + [UInt8](repeating: 0xFF, count: suite.elementLength - 1), try XCTUnwrap(noPoint)]
    }

    func testRandomRoundTripsAgreeWithDirectEvaluationInEveryModeAndSuite() throws {
        for suite in OPRFSuite.allCases {
            let key = try OPRFPrivateKey.generate(suite: suite)
            let oprfClient = try OPRFClient(suite: suite), oprfServer = try OPRFServer(privateKey: key)
            let state = try oprfClient.blind(inputs[0])
            let output = try oprfClient.finalize(state, evaluatedElement: try oprfServer.blindEvaluate(state.blindedElement))
            XCTAssertEqual(output, try oprfServer.evaluate(inputs[0]))
            XCTAssertEqual(output.count, suite.outputLength)
            XCTAssertNotEqual(try oprfClient.blind(inputs[0]).blindedElement, state.blindedElement, "blinds are fresh")

            let vClient = try VOPRFClient(publicKey: key.publicKey), vServer = try VOPRFServer(privateKey: key)
            let vStates = try inputs.map { try vClient.blind($0) }
            let vOutputs = try vClient.finalize(vStates, evaluation: try vServer.blindEvaluate(vStates.map(\.blindedElement)))
            XCTAssertEqual(vOutputs, try inputs.map { try vServer.evaluate($0) })

            let pClient = try POPRFClient(publicKey: key.publicKey), pServer = try POPRFServer(privateKey: key)
            let info = Array("tenant-a/phone-list".utf8)
            let pStates = try inputs.map { try pClient.blind($0, info: info) }
            let pOutputs = try pClient.finalize(pStates, evaluation: try pServer.blindEvaluate(pStates.map(\.blindedElement), info: info),
                                                info: info)
            XCTAssertEqual(pOutputs, try inputs.map { try pServer.evaluate($0, info: info) })
            XCTAssertNotEqual(pOutputs[0], try pServer.evaluate(inputs[0], info: Array("tenant-b".utf8)), "info changes the PRF")
        }
    }

    func testServersRefuseInvalidAndIdentityElements() throws {
        for suite in OPRFSuite.allCases {
            let key = try OPRFPrivateKey.generate(suite: suite)
            let oprf = try OPRFServer(privateKey: key), voprf = try VOPRFServer(privateKey: key), poprf = try POPRFServer(privateKey: key)
            for bad in try badElements(suite) {
                let label = "\(suite) \(Hex.encode(bad))"
                assertCode(.deserializeError, label) { _ = try oprf.blindEvaluate(bad) }
                assertCode(.deserializeError, label) { _ = try voprf.blindEvaluate([bad]) }
                assertCode(.deserializeError, label) { _ = try poprf.blindEvaluate([bad], info: []) }
                assertCode(.deserializeError, label) { _ = try OPRFPublicKey(serialized: bad, suite: suite) }
            }
            assertCode(.batchSizeMismatch, "empty batch") { _ = try voprf.blindEvaluate([]) }
            assertCode(.batchSizeMismatch, "empty batch") { _ = try poprf.blindEvaluate([], info: []) }
        }
    }

    func testClientsRefuseInvalidEvaluatedElements() throws {
        let suite = OPRFSuite.p384SHA384
        let key = try OPRFPrivateKey.generate(suite: suite)
        let client = try OPRFClient(suite: suite)
        let vClient = try VOPRFClient(publicKey: key.publicKey)
        let evaluation = try VOPRFServer(privateKey: key).blindEvaluate([try vClient.blind(inputs[0]).blindedElement])
        for bad in try badElements(suite) {
            assertCode(.deserializeError, Hex.encode(bad)) { _ = try client.finalize(try client.blind(self.inputs[0]), evaluatedElement: bad) }
            assertCode(.deserializeError, Hex.encode(bad)) {
                _ = try vClient.finalize([try vClient.blind(self.inputs[0])], evaluation: OPRFEvaluation(evaluatedElements: [bad], proof: evaluation.proof))
            }
        }
    }

    func testNonCanonicalScalarsAreRefused() throws {
        for suite in OPRFSuite.allCases {
            let group = try ECGroup.named(suite.curve)
            let n = try group.order.bigEndianBytes(paddedTo: suite.scalarLength)
            let zero = [UInt8](repeating: 0, count: suite.scalarLength)
            for bad in [n, [UInt8](repeating: 0xFF, count: suite.scalarLength), zero, Array(n.dropFirst()), n + [0]] {
                assertCode(.deserializeError, "key \(Hex.encode(bad))") { _ = try OPRFPrivateKey(serialized: SecretBytes(copying: bad), suite: suite) }
            }
            assertCode(.deserializeError, "proof c = n") { _ = try DLEQProof(serialized: n + zero, suite: suite) }
            assertCode(.deserializeError, "proof s = n") { _ = try DLEQProof(serialized: zero + n, suite: suite) }
            assertCode(.deserializeError, "short proof") { _ = try DLEQProof(serialized: zero, suite: suite) }
            let key = try OPRFPrivateKey.generate(suite: suite)
            XCTAssertEqual(try OPRFPrivateKey(serialized: key.serialized, suite: suite).publicKey, key.publicKey)
        }
    }

    /// A verifiable batch: the client, its states and an honest evaluation.
    private func batch(_ suite: OPRFSuite, _ mode: OPRFMode, key: OPRFPrivateKey,
                       info: [UInt8] = Array("info".utf8)) throws -> ([OPRFBlindedInput], OPRFEvaluation) {
        if mode == .voprf {
            let client = try VOPRFClient(publicKey: key.publicKey)
            let states = try inputs.map { try client.blind($0) }
            return (states, try VOPRFServer(privateKey: key).blindEvaluate(states.map(\.blindedElement)))
        }
        let client = try POPRFClient(publicKey: key.publicKey)
        let states = try inputs.map { try client.blind($0, info: info) }
        return (states, try POPRFServer(privateKey: key).blindEvaluate(states.map(\.blindedElement), info: info))
    }

    private func finalize(_ suite: OPRFSuite, _ mode: OPRFMode, publicKey: OPRFPublicKey, _ states: [OPRFBlindedInput],
                          _ evaluation: OPRFEvaluation, info: [UInt8] = Array("info".utf8)) throws -> [[UInt8]] {
        if mode == .voprf { return try VOPRFClient(publicKey: publicKey).finalize(states, evaluation: evaluation) }
        return try POPRFClient(publicKey: publicKey).finalize(states, evaluation: evaluation, info: info)
    }

    func testAlteredProofsWrongKeysAndSwappedElementsFailVerification() throws {
        for suite in OPRFSuite.allCases {
            for mode in [OPRFMode.voprf, .poprf] {
                let label = "\(suite) \(mode)"
                let key = try OPRFPrivateKey.generate(suite: suite)
                let (states, evaluation) = try batch(suite, mode, key: key)
                XCTAssertEqual(try finalize(suite, mode, publicKey: key.publicKey, states, evaluation).count, 2, label)

                let proof = try DLEQProof(serialized: evaluation.proof, suite: suite)
                let one = try ECScalar(1, in: proof.c.group)
                for altered in [try proof.c.adding(one).bigEndianBytes() + proof.s.bigEndianBytes(),
                                proof.c.bigEndianBytes() + (try proof.s.adding(one).bigEndianBytes()),
                                proof.s.bigEndianBytes() + proof.c.bigEndianBytes()] {
                    assertCode(.verifyError, "\(label) altered proof") {
                        _ = try self.finalize(suite, mode, publicKey: key.publicKey, states,
                                              OPRFEvaluation(evaluatedElements: evaluation.evaluatedElements, proof: altered))
                    }
                }
                let otherKey = try OPRFPrivateKey.generate(suite: suite)
                assertCode(.verifyError, "\(label) wrong public key") {
                    _ = try self.finalize(suite, mode, publicKey: otherKey.publicKey, states, evaluation)
                }
                let (_, otherEvaluation) = try batch(suite, mode, key: otherKey)
                assertCode(.verifyError, "\(label) evaluated with another key") {
                    _ = try self.finalize(suite, mode, publicKey: key.publicKey, states,
                                          OPRFEvaluation(evaluatedElements: evaluation.evaluatedElements, proof: otherEvaluation.proof))
                }
                assertCode(.verifyError, "\(label) swapped elements") {
                    _ = try self.finalize(suite, mode, publicKey: key.publicKey, states,
                                          OPRFEvaluation(evaluatedElements: evaluation.evaluatedElements.reversed(), proof: evaluation.proof))
                }
                assertCode(.batchSizeMismatch, "\(label) fewer evaluated elements") {
                    _ = try self.finalize(suite, mode, publicKey: key.publicKey, states,
                                          OPRFEvaluation(evaluatedElements: [evaluation.evaluatedElements[0]], proof: evaluation.proof))
                }
                assertCode(.batchSizeMismatch, "\(label) no states") {
                    _ = try self.finalize(suite, mode, publicKey: key.publicKey, [], evaluation)
                }
            }
        }
    }

    func testPOPRFRefusesAnotherInfoAndServerInfoMismatch() throws {
        let suite = OPRFSuite.p256SHA256
        let key = try OPRFPrivateKey.generate(suite: suite)
        let client = try POPRFClient(publicKey: key.publicKey)
        let states = try inputs.map { try client.blind($0, info: Array("epoch-1".utf8)) }
        let evaluation = try POPRFServer(privateKey: key).blindEvaluate(states.map(\.blindedElement), info: Array("epoch-2".utf8))
        assertCode(.verifyError, "server used another info") { _ = try client.finalize(states, evaluation: evaluation, info: Array("epoch-1".utf8)) }
        assertCode(.invalidInputError, "finalize with another info") { _ = try client.finalize(states, evaluation: evaluation, info: Array("epoch-2".utf8)) }
    }

    func testStateFromAnotherModeOrSuiteIsRefused() throws {
        let key = try OPRFPrivateKey.generate(suite: .p256SHA256)
        let oprfState = try OPRFClient(suite: .p256SHA256).blind(inputs[0])
        let evaluation = try VOPRFServer(privateKey: key).blindEvaluate([oprfState.blindedElement])
        assertCode(.suiteMismatch, "OPRF state in VOPRF finalize") {
            _ = try VOPRFClient(publicKey: key.publicKey).finalize([oprfState], evaluation: evaluation)
        }
        let p384State = try OPRFClient(suite: .p384SHA384).blind(inputs[0])
        assertCode(.suiteMismatch, "P-384 state in P-256 finalize") {
            _ = try OPRFClient(suite: .p256SHA256).finalize(p384State, evaluatedElement: oprfState.blindedElement)
        }
        assertCode(.deserializeError, "P-384 public key as P-256") {
            _ = try OPRFPublicKey(serialized: try OPRFPrivateKey.generate(suite: .p384SHA384).publicKey.serialized, suite: .p256SHA256)
        }
    }

    func testOversizedInputsAndInfoAreInvalidInput() throws {
        let key = try OPRFPrivateKey.generate(suite: .p256SHA256)
        let huge = [UInt8](repeating: 0x61, count: 65536)
        assertCode(.invalidInputError, "input") { _ = try OPRFClient(suite: .p256SHA256).blind(huge) }
        assertCode(.invalidInputError, "evaluate") { _ = try OPRFServer(privateKey: key).evaluate(huge) }
        assertCode(.invalidInputError, "info") { _ = try POPRFClient(publicKey: key.publicKey).blind([1], info: huge) }
        assertCode(.invalidInputError, "key info") {
            _ = try OPRFPrivateKey.derive(suite: .p256SHA256, mode: .oprf, seed: SecretBytes(copying: [1]), info: huge)
        }
        XCTAssertEqual(try OPRFClient(suite: .p256SHA256).blind([]).blindedElement.count, 33, "the empty input is allowed")
    }

    func testErrorsCarryTheRFCNames() {
        XCTAssertEqual(OPRFError.Code.deserializeError.description, "DeserializeError")
        XCTAssertEqual(OPRFError.Code.invalidInputError.description, "InvalidInputError")
        XCTAssertEqual(OPRFError.Code.verifyError.description, "VerifyError")
        XCTAssertEqual(OPRFError.Code.inverseError.description, "InverseError")
        XCTAssertEqual(OPRFError.Code.deriveKeyPairError.description, "DeriveKeyPairError")
    }
}
