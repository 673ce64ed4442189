import Foundation

/// Names made comparable: Unicode NFC with full case folding, white space
/// trimmed and runs of it made one space.
///
/// Folding is applied to the canonical decomposition and the result
/// recomposed (NFC), so "Å" written as U+00C5, as A + U+030A, or as the
/// Ångström sign U+212B all give U+00E5; "Straße" and "STRASSE" both give
/// "strasse". Locale-specific rules (Turkish dotless i) are not applied.
enum NameFolding {
    static func fold(_ text: String) -> String {
        // NFD first, so that folding sees base letters and combining marks apart.
        let decomposed = text.decomposedStringWithCanonicalMapping
        var folded = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in decomposed.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace {
                folded.append(" ")
                pendingSpace = false
            }
            if let mapped = CaseFoldingTable.exceptions[scalar.value] {
                for value in mapped {
                    if let s = Unicode.Scalar(value) { folded.append(s) }
                }
            } else {
                folded.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(folded).precomposedStringWithCanonicalMapping
    }
}
