/// A posted form whose CSRF token matched: field names to values, NFC-normalised.
///
/// A dictionary rather than a `Decodable` type per form: the equipment form and the task form
/// name fields after data (`computer.total`, `commune.long-dong`), and a form refused by its
/// validation is shown again with exactly what was posted.
public struct PostedForm: Sendable {
    public let values: [String: String]

    init(values: [String: String]) {
        self.values = values
    }

    public subscript(name: String) -> String? { values[name] }
}
