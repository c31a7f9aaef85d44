import Foundation

extension String {
    /// The text made safe for HTML, in element content and in quoted attributes: what people
    /// typed is shown, never run. Internal: pages escape by interpolating into `HTML`, never by
    /// remembering to call this.
    ///
    /// It works on Unicode scalars, not `Character`s: `"` followed by a combining mark is one
    /// grapheme that is not equal to `"`, yet the browser still ends the attribute at the `"`.
    var htmlEscaped: String {
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}

/// A query string for a link the screens generate, every key and value percent-encoded (all
/// but ASCII letters and digits), so nothing a user typed in a filter ends or extends the URL.
public func queryString(_ values: [String: String]) -> String {
    func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
    return values.filter { !$0.value.isEmpty }.map { "\(encoded($0.key))=\(encoded($0.value))" }.sorted().joined(separator: "&")
}
