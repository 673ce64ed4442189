import PavilionCredentials
import PavilionCrypto
import XCTest

/// The RSA accumulator: membership, non-membership, deletion, and holder
/// witness updates from the public log.
final class RSAAccumulatorTests: XCTestCase {
    /// One 2048-bit modulus for the tests (ordinary primes: generation in milliseconds).
    private static let fresh: RSAAccumulatorIssuer? = try? RSAAccumulatorIssuer.generate(modulusBits: 2048, safePrimes: false)

    private func issuer() throws -> RSAAccumulatorIssuer { try XCTUnwrap(Self.fresh) }

    func testHashToPrimeIsDeterministic256BitAndPrime() throws {
        let (a, counter) = try HashToPrime.prime(for: Array("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427".utf8))
        let (b, again) = try HashToPrime.prime(for: Array("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427".utf8))
        XCTAssertEqual(a, b)
        XCTAssertEqual(counter, again)
        XCTAssertEqual(a.bitWidth, 256)
        XCTAssertTrue(try a.isProbablePrime())
        XCTAssertNotEqual(try HashToPrime.prime(for: "credential-1"), try HashToPrime.prime(for: "credential-2"))
    }

    func testMembersVerifyAndNonMembersDoNot() throws {
        var issuer = try issuer()
        XCTAssertEqual(issuer.parameters.modulus.bitWidth, 2048)
        let (update, witnesses) = try issuer.add(["cred-a", "cred-b", "cred-c"])
        XCTAssertEqual(update.epoch, 1)
        XCTAssertEqual(update.value, issuer.value)
        for id in ["cred-a", "cred-b", "cred-c"] {
            let witness = try XCTUnwrap(witnesses[id])
            XCTAssertTrue(witness.verifies(identifier: id, against: issuer.value, parameters: issuer.parameters), id)
        }
        let a = try XCTUnwrap(witnesses["cred-a"])
        XCTAssertFalse(a.verifies(identifier: "cred-z", against: issuer.value, parameters: issuer.parameters), "another identifier")
        let zPrime = try HashToPrime.prime(for: "cred-z")
        let forged = MembershipWitness(element: zPrime, witness: a.witness, epoch: a.epoch)
        XCTAssertFalse(forged.verifies(against: issuer.value, parameters: issuer.parameters), "a member's w for a non-member's x")
        let random = MembershipWitness(element: zPrime, witness: try BigNumber.random(below: issuer.parameters.modulus), epoch: 1)
        XCTAssertFalse(random.verifies(against: issuer.value, parameters: issuer.parameters), "a random w")
        XCTAssertThrowsError(try issuer.witness(for: "cred-z"))
    }

    func testDeletedMemberNoLongerVerifiesAndCannotUpdate() throws {
        var issuer = try issuer()
        let (_, witnesses) = try issuer.add(["keep", "drop"])
        let drop = try XCTUnwrap(witnesses["drop"])
        let deletion = try issuer.delete(["drop"])
        XCTAssertFalse(drop.verifies(identifier: "drop", against: issuer.value, parameters: issuer.parameters))
        XCTAssertThrowsError(try drop.updated(with: [deletion], parameters: issuer.parameters)) { error in
            XCTAssertEqual((error as? AccumulatorError)?.code, .deleted)
        }
        XCTAssertFalse(try issuer.contains("drop"))
        XCTAssertThrowsError(try issuer.witness(for: "drop"))
    }

    func testHolderUpdatesItsWitnessThroughBatchesWithoutTheSecret() throws {
        var issuer = try issuer()
        var log: [AccumulatorUpdate] = []
        let (first, witnesses) = try issuer.add(["holder", "x1", "x2", "x3"])
        log.append(first)
        let holder = try XCTUnwrap(witnesses["holder"])
        log.append(try issuer.add(["y1", "y2", "y3", "y4", "y5"]).update)
        log.append(try issuer.delete(["x1", "x3", "y2"]))
        log.append(try issuer.add(["z1"]).update)
        log.append(try issuer.delete(["x2", "z1", "y5", "y1"]))
        XCTAssertEqual(issuer.epoch, 5)
        XCTAssertFalse(holder.verifies(against: issuer.value, parameters: issuer.parameters), "stale witness")
        let current = try holder.updated(with: log, parameters: issuer.parameters)
        XCTAssertEqual(current.epoch, 5)
        XCTAssertTrue(current.verifies(identifier: "holder", against: issuer.value, parameters: issuer.parameters))
        XCTAssertEqual(current.witness, try issuer.witness(for: "holder").witness, "the unique x-th root")
        // Another holder who joined later applies only the tail of the log.
        let y3 = try XCTUnwrap(try holder.updated(with: Array(log.prefix(1)), parameters: issuer.parameters))
        XCTAssertEqual(y3.epoch, 1)
    }

    func testUpdateLogWithAGapOrAForgedValueIsRefused() throws {
        var issuer = try issuer()
        let (_, witnesses) = try issuer.add(["holder", "other"])
        let holder = try XCTUnwrap(witnesses["holder"])
        let second = try issuer.add(["late"]).update
        let third = try issuer.delete(["other"])
        XCTAssertThrowsError(try holder.updated(with: [third], parameters: issuer.parameters)) { error in
            XCTAssertEqual((error as? AccumulatorError)?.code, .updateMismatch, "epoch 2 missing")
        }
        let forged = AccumulatorUpdate(epoch: second.epoch, kind: .addition, elements: second.elements,
                                       value: try BigNumber.random(below: issuer.parameters.modulus))
        XCTAssertThrowsError(try holder.updated(with: [forged], parameters: issuer.parameters)) { error in
            XCTAssertEqual((error as? AccumulatorError)?.code, .updateMismatch)
        }
    }

    func testBadBatchesAndSmallModuliAreRefused() throws {
        var issuer = try issuer()
        _ = try issuer.add(["a"])
        XCTAssertThrowsError(try issuer.add(["a"]), "already a member")
        XCTAssertThrowsError(try issuer.add(["b", "b"]), "twice in a batch")
        XCTAssertThrowsError(try issuer.delete(["never"]), "not a member")
        XCTAssertThrowsError(try issuer.add([]), "empty batch")
        XCTAssertThrowsError(try RSAAccumulatorIssuer.generate(modulusBits: 1024, safePrimes: false)) { error in
            XCTAssertEqual((error as? AccumulatorError)?.code, .invalidParameters)
        }
    }

    func testParametersRoundTripThroughJSON() throws {
        let parameters = try issuer().parameters
        XCTAssertEqual(try RSAAccumulatorParameters(json: parameters.jsonValue), parameters)
        XCTAssertThrowsError(try RSAAccumulatorParameters(modulus: try BigNumber(1_000_003), generator: try BigNumber(4)))
    }
}
