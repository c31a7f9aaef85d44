/// Markup whose interpolated values are escaped unless they are markup themselves.
///
/// Pages are written as literals: the literal is our source code and is trusted, what is
/// interpolated is not. In `"<td>\(note)</td>" as HTML` a note holding `<script>` is shown as
/// text. A value that is already `HTML` (a row, a form, a whole page section) goes in as it is,
/// so nothing is escaped twice. Turning a runtime string into markup takes an explicit
/// `HTML(unsafe:)`.
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The markup, ready to send.
    public let markup: String

    /// Markup the program itself built and vouches for. Never pass what a person typed.
    public init(unsafe markup: String) {
        self.markup = markup
    }

    public init(stringLiteral literal: String) {
        markup = literal
    }

    public init(stringInterpolation: StringInterpolation) {
        markup = stringInterpolation.markup
    }

    public var description: String { markup }

    /// Builds markup from a literal: the literal's text as it is, every interpolation by its type.
    /// There is deliberately no generic overload: a value of another type (an optional string, a
    /// `FieldValue`) must be turned into text or markup on purpose.
    public struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        /// Text: escaped, for element content and quoted attributes alike.
        public mutating func appendInterpolation(_ text: String) {
            markup += text.htmlEscaped
        }

        /// A number: its digits, which need no escaping.
        public mutating func appendInterpolation(_ number: some BinaryInteger) {
            markup += String(number)
        }

        /// A fragment: already markup, inserted as it is.
        public mutating func appendInterpolation(_ fragment: HTML) {
            markup += fragment.markup
        }

        /// An optional fragment: nothing when there is none.
        public mutating func appendInterpolation(_ fragment: HTML?) {
            markup += fragment?.markup ?? ""
        }
    }
}

extension Sequence<HTML> {
    /// The fragments one after another: rows of a table, options of a select.
    public func joined(separator: HTML = "") -> HTML {
        // Each element is markup already, so the concatenation is too.
        HTML(unsafe: map(\.markup).joined(separator: separator.markup))
    }
}
