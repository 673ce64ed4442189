/// Which claims an issuer makes selectively disclosable, and how many decoy
/// digests it adds.
///
/// A path names an object member or array element. Making both a claim and
/// something inside it disclosable gives a recursive disclosure (RFC 9901
/// §4.2.6).
public struct DisclosurePolicy: Sendable, Hashable {
    /// How the disclosable claims are chosen.
    public enum Selection: Sendable, Hashable {
        /// Exactly these paths.
        case paths(Set<ClaimPath>)
        /// Every object member and array element at every depth, except
        /// the top-level members named: those and all they contain stay
        /// plain and visible.
        case everything(exceptTopLevel: Set<String>)
    }

    /// The disclosable claims.
    public var selection: Selection
    /// How many decoy digests to add to each `_sd` array; the count for each
    /// array is drawn uniformly from the range with the CSPRNG. `0...0` adds none.
    public var decoysPerObject: ClosedRange<Int>

    /// - Parameters:
    ///   - selection: the disclosable claims.
    ///   - decoysPerObject: the decoy range per `_sd` array (none by default).
    public init(_ selection: Selection, decoysPerObject: ClosedRange<Int> = 0...0) {
        self.selection = selection
        self.decoysPerObject = decoysPerObject
    }

    /// Whether the claim at `path` is to be disclosable.
    func isDisclosable(_ path: ClaimPath) -> Bool {
        switch selection {
        case .paths(let paths):
            return paths.contains(path)
        case .everything(let kept):
            guard case .member(let name)? = path.components.first else { return false }
            return !kept.contains(name)
        }
    }
}
