import Foundation
import PavilionCore
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// The RFC 6962 8-leaf test tree and transparency-dev/merkle's probes
/// (Tests/Fixtures/transparency-log, see SOURCES there).
enum MerkleVectors {
    static let folder = TestEnvironment.fixtures("transparency-log")

    struct Tree {
        var leaves: [[UInt8]]
        var roots: [[UInt8]]
        var inclusion: [(index: UInt64, size: UInt64, leafHash: [UInt8], root: [UInt8], path: [[UInt8]])]
        var consistency: [(first: UInt64, second: UInt64, firstRoot: [UInt8], secondRoot: [UInt8], path: [[UInt8]])]
    }

    static func tree() throws -> Tree {
        let json = try load("rfc6962-8-leaf-tree.json")
        func hex(_ v: JSONValue?) throws -> [UInt8] { try XCTUnwrap(v?.stringValue.flatMap(Hex.decode)) }
        func hexes(_ v: JSONValue?) throws -> [[UInt8]] { try XCTUnwrap(v?.arrayValue).map { try hex($0) } }
        func n(_ v: JSONValue?) throws -> UInt64 { UInt64(try XCTUnwrap(v?.intValue)) }
        return Tree(
            leaves: try hexes(json["leaf_inputs"]),
            roots: try hexes(json["roots"]),
            inclusion: try XCTUnwrap(json["inclusion_proofs"]?.arrayValue).map {
                (try n($0["leaf_index"]), try n($0["tree_size"]), try hex($0["leaf_hash"]), try hex($0["root"]), try hexes($0["path"]))
            },
            consistency: try XCTUnwrap(json["consistency_proofs"]?.arrayValue).map {
                (try n($0["first"]), try n($0["second"]), try hex($0["first_root"]), try hex($0["second_root"]), try hexes($0["proof"]))
            })
    }

    /// One probe file: its relative path and JSON.
    static func probes(_ directory: String) throws -> [(name: String, json: JSONValue)] {
        let root = folder.appendingPathComponent(directory)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [(String, JSONValue)] = []
        for case let relative as String in walker where relative.hasSuffix(".json") {
            out.append((relative, try load("\(directory)/\(relative)")))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// A uint64 member. JSONValue keeps integers beyond Int64 as doubles; the
    /// only such value in the probes is 2^64 - 1 (an index minus one from 0),
    /// which the double rounds to 2^64.
    static func size(_ value: JSONValue?) throws -> UInt64 {
        switch value {
        case .int(let n)?: return UInt64(bitPattern: n)
        case .double(let d)? where d >= 0x1p63: return UInt64.max
        default: throw XCTSkip("unexpected size \(String(describing: value))")
        }
    }

    /// Decode a base64 member (`null` or absent decodes as empty).
    static func base64(_ value: JSONValue?) throws -> [UInt8] {
        guard let text = value?.stringValue else { return [] }
        return Array(try XCTUnwrap(Data(base64Encoded: text), "bad base64 \(text)"))
    }

    static func base64s(_ value: JSONValue?) throws -> [[UInt8]] {
        try (value?.arrayValue ?? []).map { try base64($0) }
    }

    static func load(_ relative: String) throws -> JSONValue {
        let data = try Data(contentsOf: folder.appendingPathComponent(relative))
        return try JSONParser().parse(bytes: Array(data))
    }
}

/// A small deterministic generator for randomised tests (SplitMix64), so a
/// failure names a seed that reproduces it.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
