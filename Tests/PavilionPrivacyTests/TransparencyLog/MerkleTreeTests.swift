import PavilionCrypto
@testable import PavilionPrivacy
import XCTest

final class MerkleTreeTests: XCTestCase {
    func testEmptyTreeRootIsSHA256OfNothing() throws {
        let tree = try MerkleVectors.tree()
        XCTAssertEqual(MerkleTree().rootHash, tree.roots[0])
        XCTAssertEqual(MerkleHasher.emptyTreeRoot, tree.roots[0])
    }

    func testRootOfEveryTreeSizeMatchesTheRFC6962Tree() throws {
        let vectors = try MerkleVectors.tree()
        var tree = MerkleTree()
        for (n, leaf) in vectors.leaves.enumerated() {
            tree.append(leaf: leaf)
            XCTAssertEqual(Hex.encode(tree.rootHash), Hex.encode(vectors.roots[n + 1]), "size \(n + 1)")
            XCTAssertEqual(MerkleHasher.rootHash(leaves: Array(vectors.leaves[0...n])), vectors.roots[n + 1], "reference, size \(n + 1)")
        }
        for size in 0...8 {
            XCTAssertEqual(try tree.rootHash(treeSize: UInt64(size)), vectors.roots[size], "historic size \(size)")
        }
        XCTAssertThrowsError(try tree.rootHash(treeSize: 9)) { XCTAssertEqual($0 as? MerkleProofError, MerkleProofError(.invalidSize, "")) }
    }

    func testEveryInclusionProofOfTheRFC6962TreeIsGeneratedAndVerifies() throws {
        let vectors = try MerkleVectors.tree()
        XCTAssertEqual(vectors.inclusion.count, 36)
        var tree = MerkleTree()
        for leaf in vectors.leaves { tree.append(leaf: leaf) }
        for vector in vectors.inclusion {
            let label = "PATH(\(vector.index), D[\(vector.size)])"
            let proof = try tree.inclusionProof(leafIndex: vector.index, treeSize: vector.size)
            XCTAssertEqual(proof.path.map(Hex.encode), vector.path.map(Hex.encode), label)
            XCTAssertEqual(tree.leafHash(at: vector.index), vector.leafHash, label)
            XCTAssertNoThrow(try InclusionProof(leafIndex: vector.index, treeSize: vector.size, path: vector.path)
                .verify(leafHash: vector.leafHash, rootHash: vector.root), label)
        }
    }

    func testEveryConsistencyProofOfTheRFC6962TreeIsGeneratedAndVerifies() throws {
        let vectors = try MerkleVectors.tree()
        XCTAssertEqual(vectors.consistency.count, 36)
        var tree = MerkleTree()
        for leaf in vectors.leaves { tree.append(leaf: leaf) }
        for vector in vectors.consistency {
            let label = "PROOF(\(vector.first), D[\(vector.second)])"
            let proof = try tree.consistencyProof(firstSize: vector.first, secondSize: vector.second)
            XCTAssertEqual(proof.path.map(Hex.encode), vector.path.map(Hex.encode), label)
            XCTAssertNoThrow(try ConsistencyProof(firstSize: vector.first, secondSize: vector.second, path: vector.path)
                .verify(firstRoot: vector.firstRoot, secondRoot: vector.secondRoot), label)
        }
    }

    func testTransparencyDevInclusionProbesPassAndFailAsLabelled() throws {
        let probes = try MerkleVectors.probes("inclusion-probes")
        XCTAssertGreaterThan(probes.count, 60)
        var failures: [String] = []
        for (name, probe) in probes {
            let proof = InclusionProof(leafIndex: try MerkleVectors.size(probe["leafIdx"]),
                                       treeSize: try MerkleVectors.size(probe["treeSize"]),
                                       path: try MerkleVectors.base64s(probe["proof"]))
            let valid = proof.isValid(leafHash: try MerkleVectors.base64(probe["leafHash"]), rootHash: try MerkleVectors.base64(probe["root"]))
            if valid == (probe["wantErr"]?.boolValue ?? false) { failures.append("\(name): valid=\(valid)") }
        }
        XCTAssertEqual(failures, [])
    }

    func testTransparencyDevConsistencyProbesPassAndFailAsLabelled() throws {
        let probes = try MerkleVectors.probes("consistency-probes")
        XCTAssertGreaterThan(probes.count, 80)
        var failures: [String] = []
        for (name, probe) in probes {
            let proof = ConsistencyProof(firstSize: try MerkleVectors.size(probe["size1"]),
                                         secondSize: try MerkleVectors.size(probe["size2"]),
                                         path: try MerkleVectors.base64s(probe["proof"]))
            let valid = proof.isValid(firstRoot: try MerkleVectors.base64(probe["root1"]), secondRoot: try MerkleVectors.base64(probe["root2"]))
            if valid == (probe["wantErr"]?.boolValue ?? false) { failures.append("\(name): valid=\(valid)") }
        }
        XCTAssertEqual(failures, [])
    }

    func testProofsForRandomSizesVerifyAndMatchTheReferenceRecursion() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SeededGenerator(seed: seed)
        var tree = MerkleTree()
        var leaves: [[UInt8]] = []
        for _ in 0..<300 {
            let leaf = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            leaves.append(leaf)
            tree.append(leaf: leaf)
        }
        for _ in 0..<400 {
            let second = UInt64.random(in: 1...tree.size, using: &rng)
            let first = UInt64.random(in: 1...second, using: &rng)
            let index = UInt64.random(in: 0..<second, using: &rng)
            let secondRoot = MerkleHasher.rootHash(leaves: Array(leaves[0..<Int(second)]))
            let firstRoot = MerkleHasher.rootHash(leaves: Array(leaves[0..<Int(first)]))
            XCTAssertEqual(try tree.rootHash(treeSize: second), secondRoot, "seed \(seed)")
            let inclusion = try tree.inclusionProof(leafIndex: index, treeSize: second)
            XCTAssertNoThrow(try inclusion.verify(leafHash: MerkleHasher.leafHash(leaves[Int(index)]), rootHash: secondRoot),
                             "seed \(seed): PATH(\(index), D[\(second)])")
            let consistency = try tree.consistencyProof(firstSize: first, secondSize: second)
            XCTAssertNoThrow(try consistency.verify(firstRoot: firstRoot, secondRoot: secondRoot),
                             "seed \(seed): PROOF(\(first), D[\(second)])")
        }
    }

    func testAlteredProofsAreRefused() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SeededGenerator(seed: seed)
        var tree = MerkleTree()
        for i in 0..<200 { tree.append(leaf: Array("entry \(i)".utf8)) }
        for _ in 0..<200 {
            let second = UInt64.random(in: 2...tree.size, using: &rng)
            let first = UInt64.random(in: 1..<second, using: &rng)
            let index = UInt64.random(in: 0..<second, using: &rng)
            let root = try tree.rootHash(treeSize: second)
            let firstRoot = try tree.rootHash(treeSize: first)
            let leaf = try XCTUnwrap(tree.leafHash(at: index))
            let inclusion = try tree.inclusionProof(leafIndex: index, treeSize: second)
            let consistency = try tree.consistencyProof(firstSize: first, secondSize: second)

            for variant in Self.alterations(inclusion.path, using: &rng) {
                XCTAssertFalse(InclusionProof(leafIndex: index, treeSize: second, path: variant).isValid(leafHash: leaf, rootHash: root),
                               "seed \(seed): altered PATH(\(index), D[\(second)])")
            }
            if index ^ 1 < second {
                XCTAssertFalse(InclusionProof(leafIndex: index ^ 1, treeSize: second, path: inclusion.path).isValid(leafHash: leaf, rootHash: root),
                               "seed \(seed): wrong index")
            }
            XCTAssertFalse(inclusion.isValid(leafHash: MerkleHasher.leafHash(Array("other".utf8)), rootHash: root), "seed \(seed): wrong leaf")
            for variant in Self.alterations(consistency.path, using: &rng) {
                XCTAssertFalse(ConsistencyProof(firstSize: first, secondSize: second, path: variant).isValid(firstRoot: firstRoot, secondRoot: root),
                               "seed \(seed): altered PROOF(\(first), D[\(second)])")
            }
            XCTAssertFalse(consistency.isValid(firstRoot: root, secondRoot: firstRoot), "seed \(seed): swapped roots")
        }
    }

    func testProofRequestsOutsideTheTreeAreRefused() {
        var tree = MerkleTree()
        for i in 0..<5 { tree.append(leaf: [UInt8(i)]) }
        XCTAssertThrowsError(try tree.inclusionProof(leafIndex: 5, treeSize: 5))
        XCTAssertThrowsError(try tree.inclusionProof(leafIndex: 0, treeSize: 6))
        XCTAssertThrowsError(try tree.consistencyProof(firstSize: 0, secondSize: 3))
        XCTAssertThrowsError(try tree.consistencyProof(firstSize: 4, secondSize: 3))
        XCTAssertThrowsError(try tree.consistencyProof(firstSize: 1, secondSize: 6))
        XCTAssertThrowsError(try InclusionProof(leafIndex: 0, treeSize: 2, path: [[1, 2, 3]]).verify(leafHash: [], rootHash: [])) {
            XCTAssertEqual($0 as? MerkleProofError, MerkleProofError(.malformedProof, ""))
        }
    }

    /// Each element flipped in one bit, one element dropped, one appended.
    private static func alterations(_ path: [[UInt8]], using rng: inout SeededGenerator) -> [[[UInt8]]] {
        var out: [[[UInt8]]] = []
        for i in path.indices {
            var flipped = path
            flipped[i][Int.random(in: 0..<32, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            out.append(flipped)
        }
        if !path.isEmpty { out.append(Array(path.dropLast())) }
        out.append(path + [MerkleHasher.leafHash([0x42])])
        return out
    }
}
